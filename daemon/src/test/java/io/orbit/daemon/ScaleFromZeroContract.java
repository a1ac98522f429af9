package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.testkit.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale from zero on a real daemon and engine: a service at {@code min: 0} behind a node port goes to 0 pods after its
 * idle period; its first request is held by the proxy while the autoscaler starts a pod, and answered 200 (its latency
 * is the cold start); after it went back to 0, 50 concurrent first requests are all answered 200; and it goes back to
 * 0 after the idle window.
 */
abstract class ScaleFromZeroContract {

    private static final int CONCURRENT = 50;
    private static final Duration IDLE = Duration.ofSeconds(5);

    @TempDir
    Path workDirectory;

    private final TestEngine testEngine;
    private EnginePods engine;
    private DaemonProcess daemon;
    private String service;

    ScaleFromZeroContract(TestEngine testEngine) {
        this.testEngine = testEngine;
    }

    @BeforeEach
    void openEngine() {
        engine = testEngine.open();
        service = "sfz-" + TestEngine.randomSuffix();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (engine == null) {
            return;
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
    void theFirstRequestsOfAServiceScaledToZeroAreHeldAndServed() throws Exception {
        long started = System.nanoTime();
        int nodePort = DaemonProcess.freePort();
        Path config = Files.createDirectories(workDirectory.resolve("services"));
        Files.writeString(config.resolve(service + ".yml"), serviceFile(service, nodePort));
        daemon = testEngine.startDaemon(
                config,
                Path.of("target", "daemon-it", getClass().getSimpleName(), service + ".log"),
                List.of("--instance", "it-" + service, "--on-exit", "stop"));
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        URI uri = URI.create("http://127.0.0.1:" + nodePort + "/");

        Poll.until(
                "the proxy listening on the node port",
                Duration.ofSeconds(30),
                () -> listening(nodePort),
                up -> up,
                daemon::tail);
        // A new service is not idle at once (it may get a pod for its first idle_period): wait that out, then for 0.
        long daemonUp = System.nanoTime();
        Poll.until(
                "the new service idle at 0 pods",
                Duration.ofSeconds(40),
                () -> System.nanoTime() - daemonUp > IDLE.toNanos()
                        && engine.pods(service).isEmpty(),
                idle -> idle,
                () -> "pods: " + engine.pods(service) + "\n" + daemon.tail(30));

        long coldStart = System.nanoTime();
        HttpResponse<String> first = client.send(request(uri), HttpResponse.BodyHandlers.ofString());
        long firstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - coldStart);
        assertThat(first.statusCode())
                .as("the first request, held while a pod starts")
                .isEqualTo(200);
        assertThat(engine.runningPods(service)).hasSize(1);

        long idleFrom = System.nanoTime();
        awaitZeroPods("back to 0 pods after the idle window", Duration.ofSeconds(40));
        long backToZeroMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleFrom);

        long burst = System.nanoTime();
        List<CompletableFuture<Long>> responses = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            long sent = System.nanoTime();
            responses.add(client.sendAsync(request(uri), HttpResponse.BodyHandlers.discarding())
                    .thenApply(response -> {
                        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
                        return response.statusCode() == 200 ? millis : -response.statusCode();
                    }));
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        long[] latencies = new long[CONCURRENT];
        for (int i = 0; i < CONCURRENT; i++) {
            long result = responses.get(i).get(30, TimeUnit.SECONDS);
            outcomes.merge(result >= 0 ? "200" : String.valueOf(-result), 1, Integer::sum);
            latencies[i] = result;
        }
        long burstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - burst);
        Arrays.sort(latencies);
        int podsAfterBurst = engine.runningPods(service).size();

        awaitZeroPods("back to 0 pods after the burst's idle window", Duration.ofSeconds(40));

        System.out.printf(
                "%s: cold start (first request through the node port, 0 → 1 pod): %d ms; back to 0 pods %d ms after"
                        + " it; %d concurrent first requests: %s, latency min %d / median %d / max %d ms, all"
                        + " answered in %d ms on %d pod(s); %d s in all%n",
                getClass().getSimpleName(),
                firstMillis,
                backToZeroMillis,
                CONCURRENT,
                outcomes,
                latencies[0],
                latencies[CONCURRENT / 2],
                latencies[CONCURRENT - 1],
                burstMillis,
                podsAfterBurst,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        assertThat(outcomes).as("every concurrent first request answered 200").isEqualTo(Map.of("200", CONCURRENT));
    }

    private static boolean listening(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void awaitZeroPods(String what, Duration timeout) {
        Poll.until(
                what,
                timeout,
                () -> engine.pods(service).size(),
                n -> n == 0,
                () -> "pods: " + engine.pods(service) + "\n" + daemon.tail(30));
    }

    private static HttpRequest request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
    }

    /**
     * Min 0, one pod at most; a short idle period and stabilisation window so the test sees 0 pods within seconds;
     * the engine's HTTP check marks the pod ready, which the proxy trusts at once.
     */
    static String serviceFile(String service, int nodePort) {
        return """
                name: %s
                instance_count: {min: 0, max: 1}
                autoscaling:
                  concurrency_target: 100
                  warmup: 0s
                  idle_period: 5s
                  activation_timeout: 30s
                  activation_queue: 100
                  scale_down: {stabilization_window: 2s}
                scaling_policy: {cooldown_duration: 0s}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-demo:latest
                      ports:
                        - {port: 8080, node_port: %d}
                      health_check:
                        startup_timeout: 20s
                        http_check: {port: 8080, path: /cgi-bin/health, timeout: 1s}
                """.formatted(service, nodePort);
    }
}
