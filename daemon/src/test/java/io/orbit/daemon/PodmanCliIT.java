package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.podman.PodmanContainerRuntime;
import io.orbit.testkit.Poll;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI and the control API against a real daemon process on rootful Podman: {@code orbit status}, {@code scale},
 * {@code restart}, {@code events} and {@code logs} as real processes over the control socket, changes seen in the
 * engine, and who may change what (the API token on TCP, peer credentials on the socket).
 */
@Tag("container-engine")
class PodmanCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Prints a line on each stream, then serves as the fixture does. */
    private static final List<String> CHATTY =
            List.of("sh", "-c", "echo hello from $(hostname); echo warming up >&2; exec /bin/serve");

    @TempDir
    Path work;

    private EnginePods engine;
    private String service;
    private String suffix;
    private String testName;
    private final List<DaemonProcess> daemons = new ArrayList<>();

    @BeforeEach
    void openEngine(TestInfo test) {
        engine = new EnginePods(PodmanContainerRuntime.open(EngineSockets.podman()));
        suffix = HexFormat.of()
                .toHexDigits(ThreadLocalRandom.current().nextInt())
                .substring(0, 6);
        service = "it-cli-" + suffix;
        testName = test.getTestMethod().map(Method::getName).orElse("test");
    }

    @AfterEach
    void removeEverything() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        for (DaemonProcess daemon : daemons) {
            daemon.close();
        }
        engine.removeEverythingOf(service, failures);
        engine.runtime().close();
        assertThat(failures).as("cleanup").isEmpty();
    }

    @Test
    void statusEventsAndLogsShowTheRunningService() throws Exception {
        DaemonProcess daemon = startDaemon(2, 3);
        OrbitCli orbit = cli(daemon);
        List<EnginePods.Pod> pods = awaitRunningPods(daemon, 2);

        OrbitCli.Result table =
                awaitCli(orbit, "both pods in the table", r -> r.out().contains(service + "  2/2"), "status");
        OrbitCli.Result detail = orbit.run("status", service);
        OrbitCli.Result events = orbit.run("events");
        OrbitCli.Result logs =
                awaitCli(orbit, "four log lines", r -> r.out().lines().count() == 4, "logs", service);

        assertThat(table.out()).as(table.toString()).contains("SERVICE").contains("2/3");
        assertThat(detail.exitCode()).as(detail.toString()).isZero();
        for (EnginePods.Pod pod : pods) {
            assertThat(detail.out()).contains(pod.id().substring(0, 8));
            assertThat(detail.out())
                    .contains(engine.address(pod.containers().get(0).id()));
        }
        assertThat(events.out().lines().filter(line -> line.contains("pod-started") && line.contains(service)))
                .as(events.toString())
                .hasSize(2);
        assertThat(logs.out().lines())
                .as(logs.toString())
                .contains(service + "/0/main | warming up", service + "/1/main | warming up")
                .anySatisfy(line -> assertThat(line).startsWith(service + "/0/main | hello from "));

        OrbitCli.Result doctor = orbit.run(
                "doctor", "-r", "podman", "-c", work.resolve("services").toString());
        assertThat(doctor.out())
                .as(doctor.toString())
                .contains("[ ok ] podman socket: podman answers")
                .contains("[ ok ] engine: podman")
                .contains("[ ok ] config directory")
                .contains("api address");

        try (OrbitCli.Running follow = orbit.start("logs", service, "--follow", "--tail", "0")) {
            String first = pods.get(0).containers().get(0).id();
            Poll.until(
                    "a line printed after the follow started",
                    () -> {
                        ExecResult printed = engine.runtime()
                                .exec(
                                        first,
                                        List.of("sh", "-c", "echo printed later > /proc/1/fd/1"),
                                        Duration.ofSeconds(10));
                        assertThat(printed.succeeded()).isTrue();
                        return follow.out();
                    },
                    out -> out.contains(service + "/0/main | printed later"),
                    () -> follow.err() + daemon.tail());
        }
    }

    @Test
    void scaleAndRestartChangeThePodsInTheEngine() throws Exception {
        DaemonProcess daemon = startDaemon(1, 3);
        OrbitCli orbit = cli(daemon);
        awaitRunningPods(daemon, 1);

        try (OrbitCli.Running follow = orbit.start("events", "--follow", "--service", service)) {
            OrbitCli.Result up = orbit.run("scale", service, "9");
            assertThat(up.exitCode()).as(up.toString()).isZero();
            assertThat(up.out()).contains(service + ": 9 replicas asked, clamped to 3 (instance_count max 3");
            awaitRunningPods(daemon, 3);
            Poll.until(
                    "events --follow prints the scale and the new pods as they happen",
                    follow::out,
                    out -> out.contains("scaled")
                            && out.lines()
                                            .filter(line -> line.contains("pod-started"))
                                            .count()
                                    >= 2,
                    () -> follow.err() + daemon.tail());
        }

        OrbitCli.Result down = orbit.run("scale", service, "1");
        assertThat(down.out()).as(down.toString()).isEqualTo(service + ": scaled to 1 replicas\n");
        Set<String> before = EnginePods.idsOf(awaitRunningPods(daemon, 1));

        OrbitCli.Result restart = orbit.run("restart", service);
        assertThat(restart.out()).as(restart.toString()).startsWith(service + ": rolling restart of 1 pod(s)");
        Poll.until(
                "the pod replaced by a new one",
                () -> engine.runningPods(service),
                pods -> pods.size() == 1 && EnginePods.idsOf(pods).stream().noneMatch(before::contains),
                daemon::tail);
        OrbitCli.Result events = orbit.run("events", "--service", service);
        assertThat(events.out())
                .contains("scaled")
                .contains("restart-requested")
                .contains("pod-removed");
    }

    @Test
    void tcpChangesNeedTheTokenAndBadRequestsGetAJsonError() throws Exception {
        Path token = Files.writeString(work.resolve("api-token"), "it-" + suffix + "-secret\n");
        DaemonProcess daemon = startDaemon(1, 2, "--api-token", token.toString());
        awaitRunningPods(daemon, 1);
        String scale = "/services/" + service + "/scale";

        HttpResponse<String> noToken = daemon.send("POST", scale, "{\"replicas\": 2}");
        HttpResponse<String> wrongToken =
                daemon.send("POST", scale, "{\"replicas\": 2}", "Authorization", "Bearer guessed");
        HttpResponse<String> malformed =
                daemon.send("POST", scale, "{\"replicas\": ", "Authorization", "Bearer it-" + suffix + "-secret");
        HttpResponse<String> unknown = daemon.send(
                "POST",
                "/services/nope-" + suffix + "/scale",
                "{\"replicas\": 2}",
                "Authorization",
                "Bearer it-" + suffix + "-secret");
        HttpResponse<String> right =
                daemon.send("POST", scale, "{\"replicas\": 2}", "Authorization", "Bearer it-" + suffix + "-secret");

        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(error(noToken)).isEqualTo("this change needs the API token");
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(error(malformed)).startsWith("malformed JSON body");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("known_services").toString()).contains(service);
        assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
        awaitRunningPods(daemon, 2);
        assertThat(daemon.get("/healthz").statusCode())
                .as("the daemon still serves")
                .isEqualTo(200);
        OrbitCli.Result missing = cli(daemon).run("status", "nope-" + suffix);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no service 'nope-" + suffix + "'").contains(service);
    }

    @Test
    void aUserWhoMayNotChangeServicesIsRefusedOnTheControlSocket() throws Exception {
        String user = System.getenv().getOrDefault("ORBIT_ROOTLESS_USER", "orbituser");
        Assumptions.assumeTrue(
                Files.exists(Path.of("/usr/sbin/runuser")) || Files.exists(Path.of("/sbin/runuser")),
                "runuser is missing");
        Assumptions.assumeTrue(
                Files.exists(Path.of("/usr/bin/curl")), "curl is missing (scripts/setup-engines.sh installs it)");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch users");
        Assumptions.assumeTrue(run("id", "-u", user).exitCode() == 0, "no user " + user);
        DaemonProcess daemon = startDaemon(1, 2);
        awaitRunningPods(daemon, 1);
        Path socket = daemon.controlSocket();

        Command closed = asUser(user, socket, "GET", "/status");
        assertThat(closed.exitCode())
                .as("curl cannot even connect to the 0600 socket: %s", closed)
                .isEqualTo(7);

        // Let the user connect: the peer-credential check alone must now keep changes to root.
        for (Path directory = socket.getParent(); directory.startsWith(work); directory = directory.getParent()) {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        }
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        // Pods can run a moment before the daemon has published the service's status (then 404 "ask again").
        Command read = Poll.until(
                "the user reads the service",
                () -> asUser(user, socket, "GET", "/services/" + service),
                answer -> answer.output().endsWith("200"),
                daemon::tail);
        Command change = asUser(user, socket, "POST", "/services/" + service + "/scale");

        assertThat(read.output()).as(read.toString()).endsWith("200");
        assertThat(change.output()).as(change.toString()).endsWith("403");
        assertThat(change.output()).contains("user " + user + " (group ").contains("may not change services");
        Poll.holdsFor(
                "one pod (the refused scale changed nothing)",
                Duration.ofSeconds(2),
                () -> engine.runningPods(service).size(),
                count -> count == 1,
                daemon::tail);
    }

    // --- helpers ---

    private DaemonProcess startDaemon(int min, int max, String... extraArguments) throws Exception {
        Path services = Files.createDirectories(work.resolve("services"));
        ServiceFile.web(service).withInstances(min, max).withMainCommand(CHATTY).writeTo(services.resolve("web.yml"));
        List<String> arguments = new ArrayList<>(List.of("--instance", "it-" + suffix));
        arguments.addAll(List.of(extraArguments));
        Path log = Path.of("target", "daemon-it", getClass().getSimpleName(), testName + "-" + suffix + ".log");
        DaemonProcess daemon = DaemonProcess.start("podman", EngineSockets.podman(), services, log, arguments);
        daemons.add(daemon);
        return daemon;
    }

    private OrbitCli cli(DaemonProcess daemon) throws IOException {
        return new OrbitCli(daemon, work.resolve("orbit.yaml"), Files.createDirectories(work.resolve("cli-output")));
    }

    private List<EnginePods.Pod> awaitRunningPods(DaemonProcess daemon, int count) throws Exception {
        return Poll.until(
                count + " running pods of " + service,
                () -> engine.runningPods(service),
                pods -> pods.size() == count && engine.pods(service).size() == count,
                daemon::tail);
    }

    private static OrbitCli.Result awaitCli(
            OrbitCli orbit, String what, java.util.function.Predicate<OrbitCli.Result> done, String... command)
            throws Exception {
        return Poll.until(what, () -> orbit.run(command), done, () -> "");
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static String error(HttpResponse<String> response) throws IOException {
        return json(response).path("error").asText();
    }

    record Command(int exitCode, String output) {}

    /** curl as another user against the control socket; the output ends with the HTTP status. */
    private static Command asUser(String user, Path socket, String method, String path) throws Exception {
        List<String> curl = new ArrayList<>(List.of(
                "runuser",
                "-u",
                user,
                "--",
                "curl",
                "-s",
                "--max-time",
                "10",
                "--unix-socket",
                socket.toString(),
                "-X",
                method,
                "-w",
                "\n%{http_code}"));
        if (method.equals("POST")) {
            curl.addAll(List.of("-H", "Content-Type: application/json", "-d", "{\"replicas\": 2}"));
        }
        curl.add("http://localhost" + path);
        return run(curl.toArray(String[]::new));
    }

    private static Command run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return new Command(process.exitValue(), output);
    }
}
