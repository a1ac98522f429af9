package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.podman.PodmanContainerRuntime;
import io.orbit.testkit.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The autoscaler end to end, on rootful Podman: concurrent slow requests through the node port raise a service with
 * {@code concurrency_target: 1} from 1 to its max of 3 pods (never beyond), and once the load stops it returns to 1;
 * every request is answered 200 (victims are drained), and the decisions are in {@code /events} and {@code /status}.
 */
@Tag("container-engine")
class PodmanAutoscaleIT {

    private static final int CLIENTS = 6;
    private static final Duration LOAD = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    @Test
    void concurrentSlowRequestsScaleUpToMaxAndTheServiceReturnsToMinAfterTheLoad() throws Exception {
        long started = System.nanoTime();
        String service = "as-" + UUID.randomUUID().toString().substring(0, 6);
        int nodePort = DaemonProcess.freePort();
        Path config = Files.createDirectories(directory.resolve("services"));
        Files.writeString(config.resolve(service + ".yml"), serviceFile(service, nodePort));
        try (PodmanContainerRuntime runtime = PodmanContainerRuntime.open(EngineSockets.podman())) {
            EnginePods pods = new EnginePods(runtime);
            DaemonProcess daemon = DaemonProcess.start(
                    "podman",
                    EngineSockets.podman(),
                    config,
                    Path.of("target", "daemon-it", "PodmanAutoscaleIT", service + ".log"),
                    List.of("--instance", "it-" + service, "--on-exit", "stop"));
            List<Throwable> failures = new ArrayList<>();
            AtomicInteger mostPods = new AtomicInteger();
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = Thread.ofPlatform().daemon().start(() -> {
                while (watching.get()) {
                    try {
                        mostPods.accumulateAndGet(pods.pods(service).size(), Math::max);
                        Thread.sleep(200);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            try {
                HttpClient client = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
                URI slow = URI.create("http://127.0.0.1:" + nodePort + "/cgi-bin/slow?ms=1000");
                Poll.until(
                        "one pod serving behind the node port",
                        Duration.ofSeconds(60),
                        () -> pods.runningPods(service).size() == 1 && status(client, slow) == 200,
                        ready -> ready,
                        () -> "pods: " + pods.pods(service));

                Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
                List<String> errors = new CopyOnWriteArrayList<>();
                long loadEnds = System.nanoTime() + LOAD.toNanos();
                List<Thread> clients = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(Thread.ofPlatform().start(() -> {
                        while (System.nanoTime() - loadEnds < 0) {
                            try {
                                statuses.merge(status(client, slow), 1, Integer::sum);
                            } catch (Exception e) {
                                errors.add(e.toString());
                            }
                        }
                    }));
                }
                long loadStarted = System.nanoTime();
                Poll.until(
                        "three pods running under load",
                        LOAD,
                        () -> pods.runningPods(service).size(),
                        n -> n == 3,
                        () -> "pods: " + pods.pods(service) + "\n" + daemon.tail(30));
                Duration scaleUp = Duration.ofNanos(System.nanoTime() - loadStarted);
                JsonNode underLoad = StatusJson.service(daemon.getJson("/status"), service);
                assertThat(underLoad.path("autoscaler").path("enabled").asBoolean())
                        .isTrue();
                assertThat(underLoad.path("autoscaler").path("desired_replicas").asInt())
                        .isEqualTo(3);
                for (Thread thread : clients) {
                    thread.join(Duration.ofSeconds(30));
                }
                long loadStopped = System.nanoTime();
                Poll.until(
                        "back to one pod after the load",
                        Duration.ofSeconds(45),
                        () -> pods.runningPods(service).size() == 1
                                && pods.pods(service).size() == 1,
                        done -> done,
                        () -> "pods: " + pods.pods(service) + "\n" + daemon.tail(30));
                Duration scaleDown = Duration.ofNanos(System.nanoTime() - loadStopped);

                JsonNode events = daemon.getJson("/events");
                List<String> decisions = new ArrayList<>();
                for (JsonNode event : events.findParents("kind")) {
                    if (event.path("kind").asText().equals("autoscale")
                            && event.path("service").asText().equals(service)) {
                        decisions.add(event.path("message").asText());
                    }
                }
                long ups = decisions.stream().filter(m -> m.contains("(up,")).count();
                long downs =
                        decisions.stream().filter(m -> m.contains("(down,")).count();
                System.out.printf(
                        "PodmanAutoscaleIT: %s; 1 → 3 pods in %d ms under %d clients, back to 1 in %d ms after the"
                                + " load; %d up / %d down decisions; most pods %d; statuses %s, errors %d; %d s in"
                                + " all%n%s%n",
                        service,
                        scaleUp.toMillis(),
                        CLIENTS,
                        scaleDown.toMillis(),
                        ups,
                        downs,
                        mostPods.get(),
                        statuses,
                        errors.size(),
                        Duration.ofNanos(System.nanoTime() - started).toSeconds(),
                        String.join("\n", decisions));
                assertThat(errors).as("client-side errors").isEmpty();
                assertThat(statuses).as("every request answered 200").containsOnlyKeys(200);
                assertThat(mostPods.get()).as("never beyond max").isLessThanOrEqualTo(3);
                assertThat(ups).as("scale-up decisions").isBetween(1L, 2L);
                assertThat(downs).as("scale-down decisions, no flapping").isBetween(1L, 2L);
                JsonNode after = StatusJson.service(daemon.getJson("/status"), service);
                assertThat(after.path("autoscaler")
                                .path("last_decision")
                                .path("direction")
                                .asText())
                        .isEqualTo("down");
                assertThat(after.path("autoscaler").path("desired_replicas").asInt())
                        .isEqualTo(1);
            } finally {
                watching.set(false);
                watcher.join(Duration.ofSeconds(2));
                daemon.terminate();
                pods.removeEverythingOf(service, failures);
            }
            assertThat(failures).isEmpty();
        }
    }

    private static int status(HttpClient client, URI uri) throws IOException, InterruptedException {
        return client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(15))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /**
     * Concurrency 1 per pod, windows of seconds so the test stays short; no warm-up, a scale-down step per 2 s. Also
     * the service {@link PodmanAutoscaleRestartIT} loads, restarts and checks.
     */
    static String serviceFile(String service, int nodePort) {
        return """
                name: %s
                instance_count: {min: 1, max: 3}
                autoscaling:
                  concurrency_target: 1
                  stable_window: 6s
                  panic_window: 2s
                  warmup: 0s
                  scale_down: {stabilization_window: 6s}
                scaling_policy: {cooldown_duration: 2s}
                spec:
                  containers:
                    - name: web
                      image: localhost/orbit-demo:latest
                      ports:
                        - port: 8080
                          node_port: %d
                """.formatted(service, nodePort);
    }
}
