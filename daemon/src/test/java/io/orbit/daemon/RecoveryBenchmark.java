package io.orbit.daemon;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recovery under traffic (scripts/bench-recovery.sh): a real daemon runs the demo image behind a node port with an
 * HTTP health check; clients GET through the proxy without pause; one container is SIGKILLed. Measured per round: the
 * time from the kill until the killed container serves again (restarted in place, probed ready, routed: the first
 * 200 it answers to a request sent after its process was gone), and the requests that failed from the kill until
 * five seconds after that. Each round uses a fresh service, so every kill is a first death (no back-off yet).
 *
 * <p>Usage: {@code RecoveryBenchmark podman|docker SOCKET PODS ROUNDS}. Prints one line per round and a summary.
 */
public final class RecoveryBenchmark {

    private static final Pattern SERVED_BY = Pattern.compile("served by the container <strong>([^<]+)</strong>");
    private static final int CLIENTS = 4;

    private record Response(long sentNanos, long atNanos, int status, String host) {}

    private record Round(long deathToServedMillis, int requests, int failed, long lastFailureMillis) {}

    public static void main(String[] args) throws Exception {
        String engineName = args[0];
        Path socket = Path.of(args[1]);
        int pods = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        Path work = Files.createTempDirectory("orbit-recovery");
        Path config = Files.createDirectories(work.resolve("services"));
        String prefix = "rec" + pods + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        List<String> services = new ArrayList<>();
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
            List<Round> results = new ArrayList<>();
            try {
                for (int round = 1; round <= rounds; round++) {
                    String service = prefix + "-r" + round;
                    services.add(service);
                    int nodePort = DaemonProcess.freePort();
                    Path file = config.resolve(service + ".yml");
                    ServiceFile.writeAtomically(file, serviceFile(service, pods, nodePort));
                    Round result = round(runtime, engine, daemon, service, pods, nodePort);
                    results.add(result);
                    System.out.printf(
                            "%s pods=%d round=%d death_to_served_ms=%d requests=%d failed=%d last_failure_ms=%d%n",
                            engineName,
                            pods,
                            round,
                            result.deathToServedMillis(),
                            result.requests(),
                            result.failed(),
                            result.lastFailureMillis());
                    Files.delete(file);
                }
            } finally {
                daemon.terminate();
                services.forEach(service -> engine.removeEverythingOf(service, new ArrayList<>()));
            }
            List<Long> sorted =
                    results.stream().map(Round::deathToServedMillis).sorted().toList();
            System.out.printf(
                    "SUMMARY %s pods=%d rounds=%d median_death_to_served_ms=%d max_ms=%d requests=%d failed=%d%n",
                    engineName,
                    pods,
                    rounds,
                    sorted.get(sorted.size() / 2),
                    sorted.getLast(),
                    results.stream().mapToInt(Round::requests).sum(),
                    results.stream().mapToInt(Round::failed).sum());
        }
    }

    private static Round round(
            ContainerRuntime runtime, EnginePods engine, DaemonProcess daemon, String service, int pods, int nodePort)
            throws Exception {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create("http://127.0.0.1:" + nodePort + "/");
        Poll.until(
                pods + " pods of " + service + " serving",
                Duration.ofSeconds(120),
                () -> servingHosts(client, uri, pods * 20),
                hosts -> hosts == pods,
                daemon::tail);
        List<Response> responses = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(Thread.ofPlatform().start(() -> load(client, uri, running, responses)));
        }
        Thread.sleep(1000);
        String container = engine.pods(service).getFirst().container("main").id();
        String hostname = runtime.exec(container, List.of("hostname"), Duration.ofSeconds(5))
                .stdout()
                .strip();
        long killedAt = System.nanoTime();
        java.time.Instant killedWall = java.time.Instant.now();
        runtime.killContainer(container, "SIGKILL");
        // Only a request sent after the process is gone proves that the restarted container serves.
        while (runtime.inspectContainer(container).state().isRunning()
                && System.nanoTime() - killedAt < Duration.ofSeconds(5).toNanos()) {
            Thread.sleep(5);
        }
        long deadAt = System.nanoTime();
        System.out.printf("detail: kill at %s, seen dead after %d ms%n", killedWall, (deadAt - killedAt) / 1_000_000);
        long deadline = killedAt + Duration.ofSeconds(60).toNanos();
        long backAt = -1;
        while (backAt < 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            backAt = responses.stream()
                    .filter(response -> response.sentNanos() > deadAt
                            && response.status() == 200
                            && response.host().equals(hostname))
                    .mapToLong(Response::atNanos)
                    .min()
                    .orElse(-1);
        }
        Thread.sleep(5000);
        running.set(false);
        for (Thread thread : clients) {
            thread.join();
        }
        long windowEnd =
                (backAt < 0 ? deadline : backAt) + Duration.ofSeconds(5).toNanos();
        List<Response> window = responses.stream()
                .filter(response -> response.atNanos() > killedAt && response.atNanos() <= windowEnd)
                .toList();
        List<Response> failures =
                window.stream().filter(response -> response.status() != 200).toList();
        System.out.printf(
                "detail: failures by status %s; first failure at %d ms, first 200 after the kill at %d ms (sent %d ms)%n",
                failures.stream()
                        .collect(java.util.stream.Collectors.groupingBy(
                                Response::status, java.util.stream.Collectors.counting())),
                failures.stream()
                        .mapToLong(r -> (r.atNanos() - killedAt) / 1_000_000)
                        .min()
                        .orElse(-1),
                window.stream()
                        .filter(r -> r.status() == 200 && r.sentNanos() > deadAt)
                        .mapToLong(r -> (r.atNanos() - killedAt) / 1_000_000)
                        .min()
                        .orElse(-1),
                window.stream()
                        .filter(r -> r.status() == 200 && r.sentNanos() > deadAt)
                        .mapToLong(r -> (r.sentNanos() - killedAt) / 1_000_000)
                        .min()
                        .orElse(-1));
        long lastFailure = failures.stream().mapToLong(Response::atNanos).max().orElse(killedAt) - killedAt;
        return new Round(
                backAt < 0 ? -1 : Duration.ofNanos(backAt - killedAt).toMillis(),
                window.size(),
                failures.size(),
                Duration.ofNanos(lastFailure).toMillis());
    }

    private static String serviceFile(String service, int pods, int nodePort) {
        return """
                name: %s
                instance_count: {min: %d, max: %d}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-demo:latest
                      ports:
                        - {port: 8080, node_port: %d}
                      health_check:
                        liveness_period: 2s
                        http_check: {port: 8080, path: /cgi-bin/health, timeout: 1s}
                """.formatted(service, pods, pods, nodePort);
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
        }
    }

    private static long servingHosts(HttpClient client, URI uri, int requests) {
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
                return 0;
            }
        }
        return hosts.size();
    }

    private RecoveryBenchmark() {}
}
