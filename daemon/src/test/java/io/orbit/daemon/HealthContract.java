package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ExecResult;
import io.orbit.testkit.Poll;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health checks that act, on a real daemon and a real engine, four services at once: a liveness failure under load
 * (the pod leaves the proxy, then restarts; no request fails), a container that exits at once (back-off, then
 * CrashLoop), a memory hog (OOM reported) and a container that never opens its port (replaced after startup_timeout).
 */
abstract class HealthContract {

    @TempDir
    Path workDirectory;

    private EnginePods engine;
    private final List<String> services = new ArrayList<>();
    private DaemonProcess daemon;
    private String suffix;

    /** The engine this subclass runs the scenarios on. */
    private final TestEngine testEngine;

    HealthContract(TestEngine testEngine) {
        this.testEngine = testEngine;
    }

    @BeforeEach
    void openEngine() {
        engine = testEngine.open();
        suffix = TestEngine.randomSuffix();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (engine == null) {
            return; // no engine here: the test was skipped before it started anything
        }
        List<Throwable> failures = new ArrayList<>();
        if (daemon != null) {
            daemon.close();
        }
        services.forEach(service -> engine.removeEverythingOf(service, failures));
        engine.runtime().close();
        assertThat(failures).as("cleanup").isEmpty();
    }

    @Test
    void healthChecksProtectTrafficAndHealTheService() throws Exception {
        String web = service("hc");
        String crasher = service("crash");
        String hog = service("oom");
        String silent = service("mute");
        int nodePort = DaemonProcess.freePort();
        Path config = Files.createDirectories(workDirectory.resolve("services"));
        Files.writeString(config.resolve("web.yml"), """
                name: %s
                instance_count: {min: 2, max: 2}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-demo:latest
                      ports:
                        - {port: 8080, node_port: %d}
                      health_check:
                        startup_timeout: 20s
                        liveness_period: 1s
                        liveness_failure_threshold: 2
                        http_check: {port: 8080, path: /cgi-bin/health, timeout: 1s}
                """.formatted(web, nodePort));
        Files.writeString(config.resolve("crash.yml"), """
                name: %s
                instance_count: {min: 1, max: 1}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-demo:latest
                      command: ["sh", "-c", "exit 3"]
                """.formatted(crasher));
        Files.writeString(config.resolve("oom.yml"), """
                name: %s
                instance_count: {min: 1, max: 1}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-demo:latest
                      command: ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M"]
                      memory_limit: 16M
                """.formatted(hog));
        Files.writeString(config.resolve("mute.yml"), """
                name: %s
                instance_count: {min: 1, max: 1}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-demo:latest
                      command: ["sleep", "3600"]
                      ports:
                        - {port: 8080}
                      health_check:
                        startup_timeout: 3s
                        tcp_check: {port: 8080, timeout: 500ms}
                """.formatted(silent));
        daemon = testEngine.startDaemon(
                config,
                Path.of("target", "daemon-it", getClass().getSimpleName(), suffix + ".log"),
                List.of("--instance", "it-" + suffix, "--on-exit", "stop"));
        URI uri = URI.create("http://127.0.0.1:" + nodePort + "/");
        Poll.until(
                "both pods of " + web + " ready and served",
                Duration.ofSeconds(90),
                () -> podStates(web),
                states -> states.equals(List.of("Ready", "Ready")),
                daemon::tail);

        // Load through the proxy while one pod's health check starts failing.
        // /status may say Ready a moment before the proxy's table has the pods: load starts once the proxy serves.
        TrafficLoad.awaitServing(uri, Duration.ofSeconds(30));
        TrafficLoad load = TrafficLoad.start(uri, 4, Duration.ZERO);
        EnginePods.Pod sick = engine.pods(web).getFirst();
        String sickContainer = sick.container("main").id();
        Instant firstRun =
                engine.runtime().inspectContainer(sickContainer).startedAt().orElseThrow();
        load.awaitAnswers(200, Duration.ofSeconds(30)); // the load is under way before the check starts failing
        Instant toggled = Instant.now();
        ExecResult touch =
                engine.runtime().exec(sickContainer, List.of("touch", "/tmp/unhealthy"), Duration.ofSeconds(5));
        assertThat(touch.exitCode()).isZero();
        JsonNode unhealthy = awaitEvent(web, "unhealthy", Duration.ofSeconds(20));
        JsonNode restarted = awaitEvent(web, "container-restarted", Duration.ofSeconds(30));
        Poll.until(
                "the restarted container ready again",
                Duration.ofSeconds(30),
                () -> podStates(web),
                states -> states.equals(List.of("Ready", "Ready")),
                daemon::tail);
        load.awaitAnswers(500, Duration.ofSeconds(30)); // and goes on over the restarted pod
        TrafficLoad.Result traffic = load.stop();
        Duration toEjection =
                Duration.between(toggled, Instant.parse(unhealthy.path("time").asText()));
        System.out.printf(
                "%s: health check failing -> out of traffic in %d ms, restarted; %d GETs meanwhile, statuses %s, errors %d%n",
                getClass().getSimpleName(),
                toEjection.toMillis(),
                traffic.sent(),
                traffic.statuses(),
                traffic.errors().size());
        assertThat(unhealthy.path("pod").asText()).isEqualTo(sick.id());
        assertThat(unhealthy.path("message").asText()).contains("liveness failed 2 time(s) in a row");
        assertThat(toEjection).as("two failed 1 s probes, then out").isLessThan(Duration.ofSeconds(5));
        assertThat(restarted.path("message").asText()).contains("liveness failed");
        assertThat(engine.runtime().inspectContainer(sickContainer).startedAt().orElseThrow())
                .as("restarted in place")
                .isAfter(firstRun);
        assertThat(traffic.errors()).as("client errors").isEmpty();
        assertThat(traffic.statuses()).as("every GET answered 200").containsOnlyKeys(200);

        // The container that exits at once: restarts spaced by the back-off, then CrashLoop.
        JsonNode loop = awaitEvent(crasher, "crash-loop", Duration.ofSeconds(60));
        List<Instant> restarts = events(crasher).stream()
                .filter(event -> event.path("kind").asText().equals("container-restarted"))
                .map(event -> Instant.parse(event.path("time").asText()))
                .toList();
        System.out.printf(
                "%s: restarts of a container that exits at once at %s%n",
                getClass().getSimpleName(), restarts);
        assertThat(restarts).hasSizeGreaterThanOrEqualTo(5);
        for (int i = 2; i < 5; i++) {
            Duration gap = Duration.between(restarts.get(i - 1), restarts.get(i));
            assertThat(gap)
                    .as("gap before restart %d grows with the back-off", i + 1)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900L << (i - 1)));
        }
        assertThat(loop.path("message").asText()).contains("crash-looping");
        Poll.until(
                "/status to show the CrashLoop",
                () -> podStates(crasher),
                states -> states.equals(List.of("CrashLoop")),
                daemon::tail);
        assertThat(events(crasher).stream()
                        .filter(event -> event.path("kind").asText().equals("container-exited")))
                .as("each exit journalled once")
                .hasSizeBetween(restarts.size(), restarts.size() + 1);

        if (testEngine.enforcesMemoryLimits()) {
            // The memory hog: its OOM kill is reported (inferred where the engine cannot tell).
            JsonNode oom = awaitEvent(hog, "oom-killed", Duration.ofSeconds(30));
            assertThat(oom.path("message").asText()).contains("OOM-killed");
        } else {
            // The limit cannot be enforced here, and /status says so instead of pretending.
            assertThat(daemon.getJson("/status").findValues("warnings").toString())
                    .contains("memory_limit and cpu_limit are not enforced");
        }

        // The container that never listens: replaced after startup_timeout.
        JsonNode startup = awaitEvent(silent, "startup-failed", Duration.ofSeconds(30));
        assertThat(startup.path("message").asText()).contains("not ready within startup_timeout 3s");
        awaitEvent(silent, "pod-replaced", Duration.ofSeconds(30));
    }

    private List<String> podStates(String service) throws InterruptedException {
        JsonNode status = daemon.getJson("/status");
        for (JsonNode entry : status) {
            if (entry.path("service_name").asText().equals(service)) {
                return StreamSupport.stream(entry.path("pods").spliterator(), false)
                        .map(pod -> pod.path("state").asText())
                        .toList();
            }
        }
        return List.of();
    }

    private List<JsonNode> events(String service) throws InterruptedException {
        JsonNode events = daemon.getJson("/events");
        return StreamSupport.stream(events.spliterator(), false)
                .filter(event -> event.path("service").asText().equals(service))
                .toList();
    }

    private JsonNode awaitEvent(String service, String kind, Duration timeout) throws Exception {
        return Poll.until(
                        "a '" + kind + "' event of " + service,
                        timeout,
                        () -> events(service).stream()
                                .filter(event -> event.path("kind").asText().equals(kind))
                                .findFirst(),
                        java.util.Optional::isPresent,
                        daemon::tail)
                .orElseThrow();
    }

    private String service(String role) {
        String name = role + "-" + suffix;
        services.add(name);
        return name;
    }
}
