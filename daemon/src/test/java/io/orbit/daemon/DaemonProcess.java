package io.orbit.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orbit.testkit.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The daemon as a real operating-system process ({@code java io.orbit.daemon.Main}), so SIGTERM and SIGKILL are the
 * real thing. Its output (one JSON object per line on stderr, plus anything the JVM prints) goes to a log file that
 * the tests read and that stays in {@code target/daemon-it} for diagnosis.
 */
final class DaemonProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The JVM options the {@code orbit} launchers give the daemon (their data-plane ORBIT_JAVA_OPTS default): the
     * daemon as packaged. {@code LauncherRolesTest} keeps this copy in step with both launchers.
     */
    static final List<String> LAUNCHER_JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC", "-Xss512k", "-Xms16m", "-Xmx256m", "-Xmn12m", LauncherRolesTest.TRIM_ON_JAVA_22);

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** What the startup probe answers once the process is gone: no HTTP status. */
    private static final int EXITED = -1;

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final int apiPort;
    private final Path controlSocket;
    private final HttpClient http;
    /** Kills the daemon if the test JVM ends first (Failsafe timing out a fork), so no daemon outlives its test. */
    private final Thread killOnExit;

    private DaemonProcess(Process process, Path log, int apiPort, Path controlSocket) {
        this.process = process;
        this.log = log;
        this.apiPort = apiPort;
        this.controlSocket = controlSocket;
        this.killOnExit = Thread.ofPlatform().unstarted(process::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(killOnExit);
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * Starts {@code orbit -r RUNTIME --runtime-socket SOCKET -c CONFIG --api-address 127.0.0.1:FREE --control-socket
     * CONFIG/../run-CONFIG/orbit.sock EXTRA...} and returns once {@code /healthz} answers 200. Each config directory
     * gets its own control socket beside it, so daemons of one test or of parallel tests never meet at the default.
     */
    static DaemonProcess start(String runtime, Path socket, Path configDirectory, Path log, List<String> extraArguments)
            throws IOException, InterruptedException {
        return start(runtime, socket, configDirectory, log, extraArguments, List.of("-Xmx256m"));
    }

    /** As {@link #start(String, Path, Path, Path, List)}, with these JVM options (e.g. the launcher's, {@link #LAUNCHER_JVM_OPTIONS}). */
    static DaemonProcess start(
            String runtime,
            Path socket,
            Path configDirectory,
            Path log,
            List<String> extraArguments,
            List<String> jvmOptions)
            throws IOException, InterruptedException {
        return start(runtime, socket, configDirectory, log, extraArguments, jvmOptions, java.util.Map.of());
    }

    /** As above, with these environment variables added (e.g. {@code NOTIFY_SOCKET} and {@code WATCHDOG_USEC}). */
    static DaemonProcess start(
            String runtime,
            Path socket,
            Path configDirectory,
            Path log,
            List<String> extraArguments,
            List<String> jvmOptions,
            java.util.Map<String, String> environment)
            throws IOException, InterruptedException {
        int apiPort = freePort();
        // An empty daemon config file: a host's /etc/orbit/orbit.yaml must not change what the flags leave default.
        Path daemonConfig = configDirectory.resolveSibling("orbit.yaml");
        if (!Files.exists(daemonConfig)) {
            Files.writeString(daemonConfig, "");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(daemonClassPath());
        command.add(Main.class.getName());
        command.addAll(List.of(
                "-r",
                runtime,
                "--runtime-socket",
                socket.toString(),
                "-c",
                configDirectory.toString(),
                "--api-address",
                "127.0.0.1:" + apiPort,
                "--config-file",
                daemonConfig.toString()));
        Path controlSocket = configDirectory
                .resolveSibling("run-" + configDirectory.getFileName())
                .resolve("orbit.sock");
        if (!extraArguments.contains("--volume-dir")) {
            command.addAll(List.of(
                    "--volume-dir", configDirectory.resolveSibling("volumes").toString()));
        }
        if (extraArguments.stream().noneMatch(argument -> argument.startsWith("--state-dir"))) {
            // Beside the config directory: a test daemon running as root must not create the host's /var/lib/orbit.
            command.addAll(
                    List.of("--state-dir", stateDirectory(configDirectory).toString()));
        }
        if (!extraArguments.contains("--control-socket")) {
            command.addAll(List.of("--control-socket", controlSocket.toString()));
        }
        command.addAll(extraArguments);
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Only the flags choose the engine, the instance and the log level (the environment outranks a config file).
        List.of("ORBIT_CONFIG", "ORBIT_RUNTIME", "ORBIT_INSTANCE", "CONTAINER_HOST", "DOCKER_HOST", "LOG_LVL")
                .forEach(builder.environment()::remove);
        builder.environment().putAll(environment);
        DaemonProcess daemon = new DaemonProcess(builder.start(), log, apiPort, controlSocket);
        daemon.awaitHealthy();
        return daemon;
    }

    /** The {@code --state-dir} a daemon on {@code configDirectory} gets unless the test gives its own. */
    static Path stateDirectory(Path configDirectory) {
        return configDirectory.resolveSibling("state");
    }

    /**
     * The test class path: target/classes (or the module jar) and every dependency. Surefire and Failsafe publish it as
     * {@code surefire.test.class.path} (their JVM may boot from a manifest-only jar); an IDE puts it in {@code
     * java.class.path}.
     */
    static String daemonClassPath() {
        return Optional.ofNullable(System.getProperty("surefire.test.class.path"))
                .filter(path -> !path.isBlank())
                .orElseGet(() -> System.getProperty("java.class.path"));
    }

    /** A TCP port free on this host now (the tests' node ports, API ports and published ports). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitHealthy() {
        // Until /healthz answers 200 or the daemon exits; until then the API is not listening (it starts last) and
        // the probe's exception is retried.
        Poll.until(
                "the daemon's /healthz to answer 200",
                STARTUP_TIMEOUT,
                Duration.ofMillis(200),
                () -> process.isAlive() ? get("/healthz").statusCode() : EXITED,
                status -> status == 200 || status == EXITED,
                () -> tail(40));
        if (!process.isAlive()) {
            throw new AssertionError("the daemon exited with " + process.exitValue() + " during startup:\n" + tail(40));
        }
    }

    HttpResponse<String> get(String path) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " on the daemon failed: " + e.getMessage(), e);
        }
    }

    /** A request to the TCP API with a body and headers (name, value, …), as any HTTP client sends it. */
    HttpResponse<String> send(String method, String path, String body, String... headers) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " on the daemon failed: " + e.getMessage(), e);
        }
    }

    int apiPort() {
        return apiPort;
    }

    /** The daemon's process id (for /proc/PID/status). */
    long pid() {
        return process.pid();
    }

    /** The daemon's control socket (unless the test passed its own {@code --control-socket}). */
    Path controlSocket() {
        return controlSocket;
    }

    /** The body of a 200 answer as JSON. */
    JsonNode getJson(String path) throws InterruptedException {
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new AssertionError("GET " + path + " answered no JSON: " + response.body(), e);
        }
    }

    /** SIGTERM, as systemd stops it; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        return awaitExit();
    }

    /** SIGKILL: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        awaitExit();
    }

    private int awaitExit() throws InterruptedException {
        if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the daemon did not exit within " + EXIT_TIMEOUT + " of a signal:\n" + tail(40));
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway and finds the process gone
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path logFile() {
        return log;
    }

    /** The JSON log events written so far; lines that are not JSON (JVM warnings) are skipped. */
    List<JsonNode> logEvents() {
        List<JsonNode> events = new ArrayList<>();
        for (String line : logLines()) {
            if (line.startsWith("{")) {
                try {
                    events.add(JSON.readTree(line));
                } catch (JsonProcessingException partialLastLine) {
                    // the daemon may be in the middle of writing it
                }
            }
        }
        return events;
    }

    /** Log lines saying the daemon started or removed a pod: a daemon that only adopts writes none. */
    List<JsonNode> podChanges() {
        return logEvents().stream()
                .filter(event -> event.path("msg").asText().startsWith("started pod")
                        || event.path("msg").asText().startsWith("removed pod"))
                .toList();
    }

    List<String> logLines() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the daemon log " + log, e);
        }
    }

    /** The last 40 lines of the log, for failure messages. */
    String tail() {
        return tail(40);
    }

    /** The last lines of the log, for failure messages. */
    String tail(int lines) {
        List<String> all = logLines();
        return "--- " + log + " (last " + lines + " lines) ---\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Kills the process if it still runs: cleanup after a failed test must not wait for a graceful stop. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
