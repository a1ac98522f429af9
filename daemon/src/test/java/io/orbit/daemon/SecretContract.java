package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ExecResult;
import io.orbit.testkit.Poll;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Secrets and env files end to end on a real engine (issue 17): a daemon at DEBUG starts two pods whose container
 * reads a secret file (content, mode, owner) in the short and the long form and an {@code env_file} variable; the
 * engine's inspect of the container does not show the file secret; changing the secret file rolls the pods with no
 * failed request through the proxy; every API answer, the daemon's whole log and {@code orbit plan}'s output are
 * searched for the values and hold none; deleting the service removes its secret objects or files.
 */
@Tag("container-engine")
abstract class SecretContract extends DaemonScenario {

    private String service;
    private String firstValue;
    private String secondValue;
    private String tokenValue;

    SecretContract(TestEngine testEngine) {
        super(testEngine, "secrets");
    }

    @BeforeEach
    void nameWhatTheTestCreates() {
        service = "it-sec-" + suffix;
        firstValue = "pw-one-" + suffix + "-Zq8";
        secondValue = "pw-two-" + suffix + "-Xk3";
        tokenValue = "tok-" + suffix + "-Vb7";
    }

    @Override
    List<String> services() {
        return List.of(service);
    }

    private String serviceFile(int nodePort) {
        return """
                name: %s
                instance_count: {min: 2, max: 3}
                rolling_update_config: {max_surge: 1, max_unavailable: 0, timeout: 30s}
                secrets:
                  db-password: {file: secrets/db-password}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-demo:latest
                      env_file: app.env
                      secrets:
                        - db-password
                        - {source: db-password, target: /etc/app/db, uid: 1000, gid: 1001, mode: 0440}
                      ports:
                        - {port: 8080, node_port: %d}
                      health_check:
                        startup_timeout: 20s
                        liveness_period: 1s
                        http_check: {port: 8080, path: /cgi-bin/health, timeout: 1s}
                """.formatted(service, nodePort);
    }

    private void writeSecret(String value) throws Exception {
        Path secret = configDirectory.resolve("secrets/db-password");
        Files.createDirectories(secret.getParent());
        Path temporary = Files.createTempFile(
                secret.getParent(),
                ".pw",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, value);
        Files.move(temporary, secret, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void containersReadTheirSecretsWhichRollWithoutAFailedRequestAndLeakNowhere() throws Exception {
        int nodePort = DaemonProcess.freePort();
        writeSecret(firstValue);
        Path envFile = configDirectory.resolve("app.env");
        Files.writeString(envFile, "# app settings\nexport API_TOKEN=\"" + tokenValue + "\"\nMODE=it\n");
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-------"));
        Path file = configDirectory.resolve("sec.yml");
        ServiceFile.writeAtomically(file, serviceFile(nodePort));
        DaemonProcess daemon = startDaemon(List.of("-Xmx256m"), List.of("-l", "debug"));
        List<String> outputs = new ArrayList<>();

        List<EnginePods.Pod> first = awaitReadyPods(daemon, 2, null);
        String container = first.get(0).container("main").id();
        assertThat(cat(container, "/run/secrets/db-password")).isEqualTo(firstValue);
        assertThat(cat(container, "/etc/app/db")).isEqualTo(firstValue);
        assertThat(stat(container, "/etc/app/db")).isEqualTo("440 1000 1001");
        assertThat(stat(container, "/run/secrets/db-password")).isEqualTo("444 0 0");
        String environment = exec(container, "env").stdout();
        assertThat(environment).contains("API_TOKEN=" + tokenValue).contains("MODE=it");
        assertThat(environment).doesNotContain(firstValue);
        String inspect = engineCli("inspect", container);
        assertThat(inspect).as("inspect shows no file secret").doesNotContain(firstValue);
        JsonNode config = io.orbit.runtime.http.Json.MAPPER
                .readTree(inspect)
                .path(0)
                .path("Config")
                .path("Env");
        assertThat(config.toString()).doesNotContain(firstValue).contains("API_TOKEN");

        URI uri = URI.create("http://127.0.0.1:" + nodePort + "/");
        TrafficLoad.awaitServing(uri, Duration.ofSeconds(30));
        // orbit plan on a copy of the directory with the new value, while the pods still run the old one: run after
        // the change, it raced the daemon's own rollout (a loaded host started the CLI after the pods had rolled).
        Path preview = Files.createDirectories(workDirectory.resolve("preview"));
        Files.copy(file, preview.resolve("sec.yml"));
        Files.copy(envFile, preview.resolve("app.env"));
        Files.createDirectories(preview.resolve("secrets"));
        Files.writeString(preview.resolve("secrets/db-password"), secondValue);
        outputs.add(orbit(daemon, "plan", preview.toString()));
        TrafficLoad load = TrafficLoad.start(uri, 4, Duration.ZERO);
        writeSecret(secondValue);
        String firstHash = first.get(0).configHash();
        List<EnginePods.Pod> second = awaitReadyPods(daemon, 2, firstHash);
        Poll.until(
                "the rollout to complete",
                Duration.ofSeconds(90),
                () -> daemon.getJson("/services/" + service + "/rollout")
                        .path("phase")
                        .asText(),
                "complete"::equals,
                daemon::tail);
        TrafficLoad.Result during = load.stop();
        System.out.printf(
                "%s: secret change rolled 2 pods; %d GETs meanwhile, statuses %s, errors %d%n",
                getClass().getSimpleName(),
                during.sent(),
                during.statuses(),
                during.errors().size());
        assertThat(during.failed())
                .as("failed requests during the secret rollout: %s", during.errors())
                .isZero();
        assertThat(cat(second.get(0).container("main").id(), "/run/secrets/db-password"))
                .isEqualTo(secondValue);

        outputs.add(daemon.getJson("/status").toString());
        outputs.add(daemon.getJson("/services/" + service).toString());
        outputs.add(daemon.getJson("/services/" + service + "/rollout").toString());
        outputs.add(daemon.get("/metrics").body());
        outputs.add(daemon.get("/events").body());
        outputs.add(orbit(daemon, "validate"));
        outputs.add(orbit(daemon, "status"));
        outputs.add(String.join("\n", daemon.logLines()));
        assertThat(String.join("\n", daemon.logLines()))
                .as("the log is at DEBUG")
                .contains("\"DEBUG\"");
        for (String output : outputs) {
            assertThat(output)
                    .doesNotContain(firstValue)
                    .doesNotContain(secondValue)
                    .doesNotContain(tokenValue);
        }
        assertThat(outputs.get(0)).contains("secret db-password changed");

        Files.delete(file);
        Poll.until(
                "the service's containers to be removed",
                () -> engine.containers(service),
                List::isEmpty,
                daemon::tail);
        Poll.until(
                "the service's secret objects and files to be removed",
                Duration.ofSeconds(150),
                this::leftovers,
                Set::isEmpty,
                daemon::tail);
    }

    /** Secret objects named for this test's instance, and its secret directory's service entries. */
    private Set<String> leftovers() throws Exception {
        String prefix = "orbit."
                + java.util.HexFormat.of()
                        .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                .digest(instance().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .substring(0, 8)
                + ".";
        Set<String> left = engine.runtime().listSecrets().stream()
                .filter(name -> name.startsWith(prefix))
                .collect(Collectors.toSet());
        Path files = Path.of("/run/orbit/secrets", instance(), service);
        if (Files.exists(files)) {
            try (var list = Files.list(files)) {
                list.map(Path::toString).forEach(left::add);
            }
        }
        return left;
    }

    private List<EnginePods.Pod> awaitReadyPods(DaemonProcess daemon, int count, String notHash) throws Exception {
        Poll.until(
                count + " ready pods" + (notHash == null ? "" : " on a new spec"),
                Duration.ofSeconds(120),
                () -> StatusJson.service(daemon.getJson("/status"), service),
                status -> {
                    List<JsonNode> pods = StreamSupport.stream(
                                    status.path("pods").spliterator(), false)
                            .toList();
                    return pods.size() == count
                            && pods.stream()
                                    .allMatch(pod -> pod.path("state").asText().equals("Ready"));
                },
                daemon::tail);
        return Poll.until(
                count + " running pods in the engine",
                () -> engine.pods(service),
                pods -> pods.size() == count
                        && pods.stream().allMatch(EnginePods.Pod::isRunning)
                        && pods.stream()
                                .allMatch(pod ->
                                        notHash == null || !pod.configHash().equals(notHash)),
                daemon::tail);
    }

    /** {@code orbit COMMAND} as users type it, following the running daemon; output and errors together. */
    private String orbit(DaemonProcess daemon, String... command) throws Exception {
        // The daemon's instance (plan looks at its pods only) and state directory (its hash key digests the secrets;
        // without it the CLI would look for the key in the host's default, /var/lib/orbit as root).
        OrbitCli cli = new OrbitCli(
                daemon,
                configDirectory.resolveSibling("orbit.yaml"),
                workDirectory,
                List.of(
                        "--instance",
                        instance(),
                        "--state-dir",
                        DaemonProcess.stateDirectory(configDirectory).toString()));
        OrbitCli.Result result = cli.run(command);
        return result.out() + "\n" + result.err();
    }

    private String engineCli(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(testEngine.cli());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    private String cat(String container, String path) {
        ExecResult result = exec(container, "cat", path);
        assertThat(result.exitCode()).as("cat %s: %s", path, result.stderr()).isZero();
        return result.stdout().strip();
    }

    private String stat(String container, String path) {
        return exec(container, "stat", "-L", "-c", "%a %u %g", path).stdout().strip();
    }

    private ExecResult exec(String container, String... command) {
        return engine.runtime().exec(container, List.of(command), Duration.ofSeconds(10));
    }
}
