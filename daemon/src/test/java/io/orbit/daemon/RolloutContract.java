package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.testkit.Poll;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rolling updates on a real daemon and engine, under continuous load through the proxy: a new image tag replaces all
 * three pods with no failed request; then a new spec whose containers exit at once is rolled back by itself, the old
 * pods never stopped, again with no failed request.
 */
abstract class RolloutContract {

    @TempDir
    Path workDirectory;

    private EnginePods engine;
    private DaemonProcess daemon;
    private String service;

    /** The engine this subclass runs the scenarios on. */
    private final TestEngine testEngine;

    RolloutContract(TestEngine testEngine) {
        this.testEngine = testEngine;
    }

    @BeforeEach
    void openEngine() {
        engine = testEngine.open();
        service = "roll-" + TestEngine.randomSuffix();
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
        engine.removeEverythingOf(service, failures);
        engine.runtime().close();
        assertThat(failures).as("cleanup").isEmpty();
    }

    @Test
    void aNewImageRollsWithoutAFailedRequestAndABrokenSpecRollsBackWithoutStoppingTheOldPods() throws Exception {
        int nodePort = DaemonProcess.freePort();
        Path config = Files.createDirectories(workDirectory.resolve("services"));
        Path file = config.resolve(service + ".yml");
        ServiceFile.writeAtomically(file, serviceFile(nodePort, "localhost/orbit-demo:latest", ""));
        daemon = testEngine.startDaemon(
                config,
                Path.of("target", "daemon-it", getClass().getSimpleName(), service + ".log"),
                List.of("--instance", "it-" + service, "--on-exit", "stop"));
        awaitPods("three ready pods on the first spec", 3, "localhost/orbit-demo:latest");
        URI uri = URI.create("http://127.0.0.1:" + nodePort + "/");

        // 1. A new image tag: every pod replaced, none of the load fails.
        // /status may say Ready a moment before the proxy's table has the pods: load starts once the proxy serves.
        TrafficLoad.awaitServing(uri, Duration.ofSeconds(30));
        TrafficLoad load = TrafficLoad.start(uri, 4, Duration.ZERO);
        Set<String> first = podIds();
        long started = System.nanoTime();
        ServiceFile.writeAtomically(file, serviceFile(nodePort, "localhost/orbit-demo:v2", ""));
        awaitPods("three ready pods on the new tag", 3, "localhost/orbit-demo:v2");
        Duration rollout = Duration.ofNanos(System.nanoTime() - started);
        Poll.until(
                "the rollout to complete",
                Duration.ofSeconds(60),
                () -> daemon.getJson("/services/" + service + "/rollout")
                        .path("phase")
                        .asText(),
                "complete"::equals,
                daemon::tail);
        TrafficLoad.Result during = load.stop();
        System.out.printf(
                "%s: rollout of 3 pods to a new tag in %d ms; %d GETs meanwhile, statuses %s, errors %d%n",
                getClass().getSimpleName(),
                rollout.toMillis(),
                during.sent(),
                during.statuses(),
                during.errors().size());
        assertThat(podIds())
                .as("every pod replaced")
                .doesNotContainAnyElementsOf(first)
                .hasSize(3);
        assertThat(during.errors()).as("client errors").isEmpty();
        assertThat(during.statuses()).as("every GET answered 200").containsOnlyKeys(200);

        // 2. A spec whose containers exit at once: rolled back, the old pods never stopped.
        Set<String> good = podIds();
        Map<String, String> goodStarts = startTimes(good);
        load = TrafficLoad.start(uri, 4, Duration.ZERO);
        ServiceFile.writeAtomically(
                file,
                serviceFile(nodePort, "localhost/orbit-demo:v2", "      command: [\"sh\", \"-c\", \"exit 3\"]\n"));
        JsonNode failed = awaitEvent("rollout-failed");
        Poll.until(
                "the broken pods gone and the rollback reported",
                Duration.ofSeconds(60),
                () -> daemon.getJson("/services/" + service + "/rollout"),
                rollout2 -> rollout2.path("phase").asText().equals("rolled_back") && podIds().equals(good),
                daemon::tail);
        load.awaitAnswers(500, Duration.ofSeconds(30)); // the load goes on after the rollback
        TrafficLoad.Result afterBroken = load.stop();
        System.out.printf(
                "%s: broken spec rolled back; %d GETs meanwhile, statuses %s, errors %d%n",
                getClass().getSimpleName(),
                afterBroken.sent(),
                afterBroken.statuses(),
                afterBroken.errors().size());
        assertThat(failed.path("message").asText()).contains("rolling back").contains("the old ones keep running");
        assertThat(startTimes(good))
                .as("the old pods were never stopped or restarted")
                .isEqualTo(goodStarts);
        assertThat(afterBroken.errors()).as("client errors").isEmpty();
        assertThat(afterBroken.statuses()).as("every GET answered 200").containsOnlyKeys(200);
        assertThat(daemon.getJson("/status").toString()).contains("rolled_back");
    }

    private String serviceFile(int nodePort, String image, String extra) {
        return """
                name: %s
                instance_count: {min: 3, max: 4}
                rolling_update_config: {max_surge: 1, max_unavailable: 1, timeout: 30s}
                spec:
                  containers:
                    - name: main
                      image: %s
                %s      ports:
                        - {port: 8080, node_port: %d}
                      health_check:
                        startup_timeout: 20s
                        liveness_period: 1s
                        http_check: {port: 8080, path: /cgi-bin/health, timeout: 1s}
                """.formatted(service, image, extra, nodePort);
    }

    private void awaitPods(String what, int count, String image) throws Exception {
        Poll.until(
                what,
                Duration.ofSeconds(120),
                this::serviceStatus,
                status -> {
                    List<JsonNode> pods = StreamSupport.stream(
                                    status.path("pods").spliterator(), false)
                            .toList();
                    return pods.size() == count
                            && pods.stream()
                                    .allMatch(pod -> pod.path("state").asText().equals("Ready")
                                            && pod.path("containers")
                                                    .path(0)
                                                    .path("image")
                                                    .asText()
                                                    .equals(image));
                },
                daemon::tail);
    }

    /** The service as /services/{name} shows it; missing before its first pass. */
    private JsonNode serviceStatus() throws InterruptedException {
        try {
            return daemon.getJson("/services/" + service);
        } catch (AssertionError noStatusYet) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    private Set<String> podIds() {
        return engine.pods(service).stream().map(EnginePods.Pod::id).collect(Collectors.toSet());
    }

    private Map<String, String> startTimes(Set<String> pods) {
        Map<String, String> starts = new java.util.TreeMap<>();
        for (EnginePods.Pod pod : engine.pods(service)) {
            if (pods.contains(pod.id())) {
                String id = pod.container("main").id();
                starts.put(
                        id,
                        engine.runtime()
                                .inspectContainer(id)
                                .startedAt()
                                .orElseThrow()
                                .toString());
            }
        }
        return starts;
    }

    private JsonNode awaitEvent(String kind) throws Exception {
        return Poll.until(
                        "a '" + kind + "' event",
                        Duration.ofSeconds(90),
                        () -> StreamSupport.stream(daemon.getJson("/events").spliterator(), false)
                                .filter(event -> event.path("kind").asText().equals(kind)
                                        && event.path("service").asText().equals(service))
                                .findFirst(),
                        java.util.Optional::isPresent,
                        daemon::tail)
                .orElseThrow();
    }
}
