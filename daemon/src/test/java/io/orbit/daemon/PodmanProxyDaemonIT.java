package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.runtime.ContainerSummary;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy inside the daemon, with real containers behind a node port: GETs under load see no failure while a
 * backend's container is killed and while the service is scaled down (the removed pod is drained first).
 */
@Tag("container-engine")
class PodmanProxyDaemonIT {

    private static final int REQUESTS = 1500;
    private static final Pattern SERVED_BY = Pattern.compile("served by the container <strong>([^<]+)</strong>");

    @TempDir
    Path directory;

    @Test
    void getsUnderLoadSeeNoFailureWhileAPodIsKilledAndWhileTheServiceScalesDown() throws Exception {
        String service = "px-" + UUID.randomUUID().toString().substring(0, 6);
        int nodePort = DaemonProcess.freePort();
        Path config = Files.createDirectories(directory.resolve("services"));
        Path file = config.resolve(service + ".yml");
        Files.writeString(file, serviceFile(service, 3, nodePort));
        try (PodmanContainerRuntime runtime = PodmanContainerRuntime.open(EngineSockets.podman())) {
            EnginePods pods = new EnginePods(runtime);
            DaemonProcess daemon = DaemonProcess.start(
                    "podman",
                    EngineSockets.podman(),
                    config,
                    Path.of("target", "daemon-it", "PodmanProxyDaemonIT", service + ".log"),
                    List.of("--instance", "it-" + service, "--on-exit", "stop"));
            List<Throwable> failures = new ArrayList<>();
            try {
                HttpClient client = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
                URI uri = URI.create("http://127.0.0.1:" + nodePort + "/");
                Poll.until(
                        "three pods behind the node port",
                        Duration.ofSeconds(90),
                        () -> pods.runningPods(service).size() == 3 && status(client, uri) == 200,
                        ready -> ready,
                        () -> "pods: " + pods.pods(service));
                // The proxy's health checks admit each backend on its own: wait until all three have answered.
                Set<String> servedBy = ConcurrentHashMap.newKeySet();
                Poll.until(
                        "all three pods answering through the proxy",
                        Duration.ofSeconds(30),
                        Duration.ofMillis(20),
                        () -> {
                            servedBy.add(servedBy(client, uri));
                            return servedBy.size();
                        },
                        hosts -> hosts == 3,
                        () -> "served by " + servedBy + "; pods: " + pods.pods(service));

                Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
                List<String> errors = new CopyOnWriteArrayList<>();
                List<String> failedAnswers = new CopyOnWriteArrayList<>();
                AtomicInteger sent = new AtomicInteger();
                Thread load = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < REQUESTS; i++) {
                        sent.incrementAndGet();
                        try {
                            HttpResponse<String> answer = client.send(
                                    HttpRequest.newBuilder(uri)
                                            .timeout(Duration.ofSeconds(10))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            statuses.merge(answer.statusCode(), 1, Integer::sum);
                            if (answer.statusCode() != 200) {
                                failedAnswers.add(answer.statusCode() + " at " + java.time.Instant.now() + ": "
                                        + answer.body().strip());
                            }
                        } catch (Exception e) {
                            errors.add(e.toString());
                        }
                    }
                });
                Poll.until("the load to be under way", () -> sent.get() > 200, going -> going, () -> "");
                ContainerSummary victim = pods.containers(service).getFirst();
                runtime.killContainer(victim.id(), "SIGKILL");
                Poll.until("half of the load", () -> sent.get() > REQUESTS / 2, half -> half, () -> "");
                ServiceFile.writeAtomically(file, serviceFile(service, 2, nodePort));
                load.join(Duration.ofMinutes(5));

                System.out.printf(
                        "PodmanProxyDaemonIT: %d GETs, statuses %s, errors %d%n", REQUESTS, statuses, errors.size());
                assertThat(errors).as("client-side errors").isEmpty();
                assertThat(statuses)
                        .as(
                                "every GET answered 200 through the kill and the scale-down; the others: %s%n%s",
                                failedAnswers, daemon.tail(40))
                        .containsOnlyKeys(200)
                        .containsEntry(200, REQUESTS);
                Poll.until(
                        "two pods after the scale-down",
                        () -> pods.runningPods(service).size(),
                        n -> n == 2,
                        () -> "");
            } finally {
                daemon.terminate();
                pods.removeEverythingOf(service, failures);
            }
            assertThat(failures).isEmpty();
        }
    }

    /** The hostname of the container that answered (the demo image's index page names it). */
    private static String servedBy(HttpClient client, URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher matcher = SERVED_BY.matcher(response.body());
        if (response.statusCode() != 200 || !matcher.find()) {
            throw new IOException("no 'served by' in a " + response.statusCode() + " answer: " + response.body());
        }
        return matcher.group(1);
    }

    private static int status(HttpClient client, URI uri) throws IOException, InterruptedException {
        return client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String serviceFile(String service, int replicas, int nodePort) {
        return """
                name: %s
                instance_count: {min: %d, max: %d}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-demo:latest
                      ports:
                        - port: 8080
                          node_port: %d
                """.formatted(service, replicas, Math.max(replicas, 3), nodePort);
    }
}
