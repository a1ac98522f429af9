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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * A new image tag under load (scripts/bench-rollout.sh), side by side in one run: the daemon's rolling update of a
 * 3-pod service behind its proxy, against what users do today with the engine's CLI — stop the container, start one
 * from the new tag on the same published port (Compose's recreate). Measured: how long the update takes until every
 * replica runs the new image and serves, and how many of the requests sent meanwhile failed.
 *
 * <p>Usage: {@code RolloutBenchmark podman|docker SOCKET ROUNDS}. Prints one line per round and per side, then a
 * summary.
 */
public final class RolloutBenchmark {

    private static final int CLIENTS = 4;

    private record Round(long millis, int requests, int failed) {}

    public static void main(String[] args) throws Exception {
        String engineName = args[0];
        Path socket = Path.of(args[1]);
        int rounds = Integer.parseInt(args[2]);
        List<String> cli =
                engineName.equals("docker") ? List.of("/usr/bin/docker", "-H", "unix://" + socket) : List.of("podman");
        List<Round> ours = new ArrayList<>();
        List<Round> theirs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Round daemon = daemonRollout(engineName, socket, round);
            ours.add(daemon);
            System.out.printf(
                    "%s round=%d side=orbit update_ms=%d requests=%d failed=%d%n",
                    engineName, round, daemon.millis(), daemon.requests(), daemon.failed());
            Round recreate = stopThenStart(cli, round);
            theirs.add(recreate);
            System.out.printf(
                    "%s round=%d side=cli-recreate update_ms=%d requests=%d failed=%d%n",
                    engineName, round, recreate.millis(), recreate.requests(), recreate.failed());
        }
        System.out.printf(
                "SUMMARY %s rounds=%d orbit: median_update_ms=%d failed=%d of %d; cli stop-then-start: median_update_ms=%d failed=%d of %d%n",
                engineName,
                rounds,
                median(ours),
                ours.stream().mapToInt(Round::failed).sum(),
                ours.stream().mapToInt(Round::requests).sum(),
                median(theirs),
                theirs.stream().mapToInt(Round::failed).sum(),
                theirs.stream().mapToInt(Round::requests).sum());
    }

    private static Round daemonRollout(String engineName, Path socket, int round) throws Exception {
        Path work = Files.createTempDirectory("orbit-rollout");
        Path config = Files.createDirectories(work.resolve("services"));
        String service = "rb" + round + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        int nodePort = DaemonProcess.freePort();
        Path file = config.resolve(service + ".yml");
        ServiceFile.writeAtomically(file, serviceFile(service, nodePort, "localhost/orbit-demo:latest"));
        try (ContainerRuntime runtime = engineName.equals("docker")
                ? DockerContainerRuntime.open(socket)
                : PodmanContainerRuntime.open(socket)) {
            EnginePods engine = new EnginePods(runtime);
            DaemonProcess daemon = DaemonProcess.start(
                    engineName,
                    socket,
                    config,
                    work.resolve("daemon.log"),
                    List.of("--instance", "bench-" + service, "--on-exit", "stop"));
            try {
                awaitReady(daemon, service, "localhost/orbit-demo:latest");
                URI uri = URI.create("http://127.0.0.1:" + nodePort + "/");
                TrafficLoad load = TrafficLoad.start(uri, CLIENTS, Duration.ofMillis(10));
                Thread.sleep(1000);
                load.reset();
                long started = System.nanoTime();
                ServiceFile.writeAtomically(file, serviceFile(service, nodePort, "localhost/orbit-demo:v2"));
                awaitReady(daemon, service, "localhost/orbit-demo:v2");
                long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
                TrafficLoad.Result result = load.stop();
                return new Round(millis, result.sent(), result.failed());
            } finally {
                daemon.terminate();
                engine.removeEverythingOf(service, new ArrayList<>());
            }
        }
    }

    private static Round stopThenStart(List<String> cli, int round) throws Exception {
        String name = "orbit-bench-recreate-" + round + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        int port = DaemonProcess.freePort();
        String publish = "127.0.0.1:" + port + ":8080";
        run(cli, "run", "-d", "--name", name, "-p", publish, "localhost/orbit-demo:latest");
        try {
            URI uri = URI.create("http://127.0.0.1:" + port + "/");
            awaitServing(uri);
            TrafficLoad load = TrafficLoad.start(uri, CLIENTS, Duration.ofMillis(10));
            Thread.sleep(1000);
            load.reset();
            long started = System.nanoTime();
            run(cli, "stop", "-t", "10", name);
            run(cli, "rm", name);
            run(cli, "run", "-d", "--name", name, "-p", publish, "localhost/orbit-demo:v2");
            awaitServing(uri);
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            TrafficLoad.Result result = load.stop();
            return new Round(millis, result.sent(), result.failed());
        } finally {
            new ProcessBuilder(concat(cli, "rm", "-f", name))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        }
    }

    private static String serviceFile(String service, int nodePort, String image) {
        return """
                name: %s
                instance_count: {min: 3, max: 4}
                spec:
                  containers:
                    - name: main
                      image: %s
                      ports:
                        - {port: 8080, node_port: %d}
                      health_check:
                        liveness_period: 2s
                        http_check: {port: 8080, path: /cgi-bin/health, timeout: 1s}
                """.formatted(service, image, nodePort);
    }

    /** Every pod Ready on the image (3 of them), as /services/{name} shows it. */
    private static void awaitReady(DaemonProcess daemon, String service, String image) throws Exception {
        Poll.until(
                "3 ready pods of " + service + " on " + image,
                Duration.ofSeconds(120),
                () -> {
                    try {
                        return daemon.getJson("/services/" + service);
                    } catch (AssertionError notYet) {
                        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
                    }
                },
                (JsonNode status) -> {
                    List<JsonNode> pods = StreamSupport.stream(
                                    status.path("pods").spliterator(), false)
                            .toList();
                    return pods.size() == 3
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

    private static void awaitServing(URI uri) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        // While the container starts the connection is refused: the probe throws and is polled again.
        Poll.until(
                "a 200 from " + uri,
                Duration.ofSeconds(60),
                Duration.ofMillis(10),
                () -> client.send(
                                HttpRequest.newBuilder(uri)
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode(),
                status -> status == 200,
                () -> "");
    }

    private static void run(List<String> cli, String... args) throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder(concat(cli, args)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", concat(cli, args)) + " failed: " + output);
        }
    }

    private static List<String> concat(List<String> cli, String... args) {
        List<String> command = new ArrayList<>(cli);
        command.addAll(List.of(args));
        return command;
    }

    private static long median(List<Round> rounds) {
        List<Long> sorted = rounds.stream().map(Round::millis).sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private RolloutBenchmark() {}
}
