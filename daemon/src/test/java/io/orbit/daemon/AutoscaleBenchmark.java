package io.orbit.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.docker.DockerContainerRuntime;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CPU load step with autoscaling on and off, side by side in one daemon (scripts/bench-autoscale.sh). The demo image
 * with {@code cpu_limit: 0.5} runs behind a node port at 1 pod; at the step's start {@value #BURNERS} clients start
 * calling {@code /cgi-bin/burn} without pause (each call keeps one CPU busy for 4 s, which saturates a pod's limit)
 * while {@value #GETTERS} clients GET {@code /} every {@value #GET_PAUSE_MS} ms. "on" is the service with {@code
 * cpu_percentage_relative: 25} and {@code instance_count} 1–4 (the IT's settings); "off" the same service without
 * thresholds, so it keeps 1 pod. Measured per step: the time from the step's start to the autoscaler's first scale-up
 * (journal), to the first 200 from a pod that did not exist before the step (its hostname on the index page), to all
 * 4 pods having served; and the p50/p99 of the plain GETs during the step, and how many failed.
 *
 * <p>Usage: {@code AutoscaleBenchmark podman|docker SOCKET ROUNDS STEP_SECONDS}. One line per step, then a summary.
 */
public final class AutoscaleBenchmark {

    private static final Pattern SERVED_BY = Pattern.compile("served by the container <strong>([^<]+)</strong>");
    private static final int BURNERS = 2;
    private static final int GETTERS = 2;
    private static final int GET_PAUSE_MS = 20;
    private static final int MAX = 4;

    private record Response(long sentNanos, long atNanos, int status, String host) {}

    private record Step(
            boolean autoscaled,
            long decisionMillis,
            long newPodMillis,
            long allPodsMillis,
            double p50Millis,
            double p99Millis,
            int gets,
            int failed,
            int hosts) {}

    public static void main(String[] args) throws Exception {
        String engineName = args[0];
        Path socket = Path.of(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Duration step = Duration.ofSeconds(Integer.parseInt(args[3]));
        Path work = Files.createTempDirectory("orbit-autoscale-bench");
        Path config = Files.createDirectories(work.resolve("services"));
        String prefix = "asb-" + Long.toHexString(System.nanoTime() & 0xffffff);
        List<String> services = new ArrayList<>();
        List<Step> results = new ArrayList<>();
        try (ContainerRuntime runtime = engineName.equals("docker")
                ? DockerContainerRuntime.open(socket)
                : PodmanContainerRuntime.open(socket)) {
            EnginePods engine = new EnginePods(runtime);
            DaemonProcess daemon = DaemonProcess.start(
                    engineName,
                    socket,
                    config,
                    work.resolve("daemon.log"),
                    List.of("--instance", "bench-" + prefix, "--on-exit", "stop"));
            try {
                for (int round = 1; round <= rounds; round++) {
                    for (boolean autoscaled : new boolean[] {false, true}) {
                        String service = prefix + "-" + (autoscaled ? "on" : "off") + round;
                        services.add(service);
                        int nodePort = DaemonProcess.freePort();
                        Path file = config.resolve(service + ".yml");
                        ServiceFile.writeAtomically(file, serviceFile(service, nodePort, autoscaled));
                        Step result = step(engine, daemon, service, nodePort, autoscaled, step);
                        results.add(result);
                        System.out.printf(
                                "%s round=%d autoscaling=%s scale_up_decision_ms=%d new_pod_served_ms=%d"
                                        + " all_%d_pods_served_ms=%d get_p50_ms=%.1f get_p99_ms=%.1f gets=%d failed=%d"
                                        + " pods_serving=%d%n",
                                engineName,
                                round,
                                autoscaled ? "on" : "off",
                                result.decisionMillis(),
                                result.newPodMillis(),
                                MAX,
                                result.allPodsMillis(),
                                result.p50Millis(),
                                result.p99Millis(),
                                result.gets(),
                                result.failed(),
                                result.hosts());
                        Files.delete(file);
                        Poll.until(
                                "the pods of " + service + " removed",
                                Duration.ofSeconds(90),
                                () -> engine.pods(service).size(),
                                n -> n == 0,
                                daemon::tail);
                    }
                }
            } finally {
                daemon.terminate();
                services.forEach(service -> engine.removeEverythingOf(service, new ArrayList<>()));
            }
        }
        List<Step> on = results.stream().filter(Step::autoscaled).toList();
        List<Step> off = results.stream().filter(s -> !s.autoscaled()).toList();
        System.out.printf(
                "SUMMARY %s rounds=%d step_s=%d median_scale_up_decision_ms=%d median_new_pod_served_ms=%d"
                        + " median_all_pods_served_ms=%d get_p50_ms on=%.1f off=%.1f get_p99_ms on=%.1f off=%.1f"
                        + " p99_off_over_on=%.1f failed on=%d off=%d%n",
                engineName,
                rounds,
                step.toSeconds(),
                median(on.stream().map(Step::decisionMillis).toList()),
                median(on.stream().map(Step::newPodMillis).toList()),
                median(on.stream().map(Step::allPodsMillis).toList()),
                medianOf(on.stream().map(Step::p50Millis).toList()),
                medianOf(off.stream().map(Step::p50Millis).toList()),
                medianOf(on.stream().map(Step::p99Millis).toList()),
                medianOf(off.stream().map(Step::p99Millis).toList()),
                medianOf(off.stream().map(Step::p99Millis).toList())
                        / Math.max(
                                0.1, medianOf(on.stream().map(Step::p99Millis).toList())),
                on.stream().mapToInt(Step::failed).sum(),
                off.stream().mapToInt(Step::failed).sum());
    }

    private static Step step(
            EnginePods engine, DaemonProcess daemon, String service, int nodePort, boolean autoscaled, Duration step)
            throws Exception {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI index = URI.create("http://127.0.0.1:" + nodePort + "/");
        URI burn = URI.create("http://127.0.0.1:" + nodePort + "/cgi-bin/burn?seconds=4");
        Set<String> before = Poll.until(
                "one pod of " + service + " serving",
                Duration.ofSeconds(120),
                () -> engine.runningPods(service).size() == 1 ? servingHosts(client, index, 5) : Set.<String>of(),
                hosts -> hosts.size() == 1,
                daemon::tail);
        Thread.sleep(2000); // the start settles before the step
        List<Response> responses = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger burns = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        Instant startedWall = Instant.now();
        long startedAt = System.nanoTime();
        for (int i = 0; i < BURNERS; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    try {
                        client.send(
                                HttpRequest.newBuilder(burn)
                                        .timeout(Duration.ofSeconds(30))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                        burns.incrementAndGet();
                    } catch (IOException e) {
                        // a failed burn is load that did not happen; the GETs are what is measured
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        for (int i = 0; i < GETTERS; i++) {
            threads.add(Thread.ofPlatform().start(() -> load(client, index, running, responses)));
        }
        Thread.sleep(step);
        running.set(false);
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(30));
        }
        long decision = -1;
        for (JsonNode event : daemon.getJson("/events").findParents("kind")) {
            if (event.path("kind").asText().equals("autoscale")
                    && event.path("service").asText().equals(service)
                    && event.path("message").asText().contains("(up,")) {
                long at = Duration.between(
                                startedWall, Instant.parse(event.path("time").asText()))
                        .toMillis();
                decision = decision < 0 ? at : Math.min(decision, at);
            }
        }
        long newPod = -1;
        long allPods = -1;
        Set<String> hosts = new HashSet<>(before);
        for (Response response : responses.stream()
                .sorted(java.util.Comparator.comparingLong(Response::atNanos))
                .toList()) {
            if (response.status() != 200 || response.host().isEmpty() || !hosts.add(response.host())) {
                continue;
            }
            long at = (response.atNanos() - startedAt) / 1_000_000;
            newPod = newPod < 0 ? at : newPod;
            if (hosts.size() == MAX) {
                allPods = at;
            }
        }
        List<Double> latencies = responses.stream()
                .filter(r -> r.status() == 200)
                .map(r -> (r.atNanos() - r.sentNanos()) / 1e6)
                .sorted()
                .toList();
        int failed = (int) responses.stream().filter(r -> r.status() != 200).count();
        return new Step(
                autoscaled,
                decision,
                newPod,
                allPods,
                percentile(latencies, 0.50),
                percentile(latencies, 0.99),
                responses.size(),
                failed,
                hosts.size());
    }

    private static void load(HttpClient client, URI uri, AtomicBoolean running, List<Response> responses) {
        while (running.get()) {
            long sent = System.nanoTime();
            String host = "";
            int status;
            try {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                Matcher matcher = SERVED_BY.matcher(response.body());
                host = matcher.find() ? matcher.group(1) : "";
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            responses.add(new Response(sent, System.nanoTime(), status, host));
            try {
                Thread.sleep(GET_PAUSE_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Set<String> servingHosts(HttpClient client, URI uri, int requests) {
        Set<String> hosts = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            try {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                Matcher matcher = SERVED_BY.matcher(response.body());
                if (response.statusCode() == 200 && matcher.find()) {
                    hosts.add(matcher.group(1));
                }
            } catch (IOException | InterruptedException e) {
                return Set.of();
            }
        }
        return hosts;
    }

    /** Autoscaling on: the IT's settings (relative CPU 25 % of a 0.5-CPU limit, warm-up 5 s); off: no thresholds. */
    private static String serviceFile(String service, int nodePort, boolean autoscaled) {
        String scaling = autoscaled ? """
                resource_thresholds: {cpu_percentage_relative: 25}
                autoscaling:
                  warmup: 5s
                  scale_down: {stabilization_window: 20s}
                scaling_policy: {cooldown_duration: 2s}
                """ : "";
        return """
                name: %s
                instance_count: {min: 1, max: %d}
                %sspec:
                  containers:
                    - name: web
                      image: localhost/orbit-demo:latest
                      cpu_limit: 0.5
                      ports:
                        - port: 8080
                          node_port: %d
                """.formatted(service, MAX, scaling, nodePort);
    }

    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }

    private static double medianOf(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }

    private AutoscaleBenchmark() {}
}
