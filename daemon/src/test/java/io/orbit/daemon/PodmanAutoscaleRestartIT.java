package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, an autoscaled service across a daemon crash, on rootful Podman: real load through the node port raises a
 * service with {@code concurrency_target: 1} to 3 of min 1; the load stops and the daemon's JVM is SIGKILLed at once,
 * so the restarted daemon sees no load at all and only the kept state stands between the service and its minimum. It
 * must keep 3 running pods and {@code desired_replicas} 3 in /status for its whole first stabilisation window, continue
 * the journal's numbers, and scale down only after that window.
 */
@Tag("container-engine")
class PodmanAutoscaleRestartIT {

    private static final int CLIENTS = 6;
    /** The service's stable window and scale-down stabilisation window: the "first window" after the restart. */
    private static final Duration WINDOW = Duration.ofSeconds(6);

    private static final Duration SAMPLE = Duration.ofMillis(100);

    private static final Pattern TS = Pattern.compile("^\\{\"ts\":\"([^\"]+)\"");

    @TempDir
    Path work;

    private Path config;
    private Path state;
    private EnginePods engine;
    private final String service = "st-as-" + TestEngine.randomSuffix();
    private final List<DaemonProcess> daemons = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        engine = TestEngine.PODMAN.open();
        config = Files.createDirectory(work.resolve("services"));
        state = work.resolve("state"); // DaemonProcess's --state-dir: beside the config directory
    }

    @AfterEach
    void cleanUp() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        for (DaemonProcess daemon : daemons) {
            daemon.close();
        }
        engine.removeEverythingOf(service, failures);
        engine.runtime().close();
        assertThat(failures).as("cleanup").isEmpty();
    }

    /** One sample of the restarted daemon: when (since its launch), running pods, /status's two desired counts. */
    private record Sample(long atMillis, int running, int desired, int autoscalerDesired) {

        boolean holds() {
            return running >= 3 && desired == 3 && autoscalerDesired == 3;
        }

        @Override
        public String toString() {
            return "%d ms: %d running, desired %d/%d".formatted(atMillis, running, desired, autoscalerDesired);
        }
    }

    @Test
    void aKilledDaemonKeepsTheAutoscaledCountForAWholeWindowAndScalesDownOnlyAfterIt() throws Exception {
        long started = System.nanoTime();
        int nodePort = DaemonProcess.freePort();
        Files.writeString(config.resolve("as.yml"), PodmanAutoscaleIT.serviceFile(service, nodePort));
        DaemonProcess first = start();
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI slow = URI.create("http://127.0.0.1:" + nodePort + "/cgi-bin/slow?ms=1000");
        Poll.until(
                "one pod serving behind the node port",
                Duration.ofSeconds(60),
                () -> engine.runningPods(service).size() == 1 && status(client, slow) == 200,
                ready -> ready,
                first::tail);

        // Real load: CLIENTS concurrent slow requests through the node port, until the daemon is about to be killed.
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(Thread.ofPlatform().start(() -> {
                while (loading.get()) {
                    try {
                        statuses.merge(status(client, slow), 1, Integer::sum);
                    } catch (Exception e) {
                        errors.add(e.toString());
                    }
                }
            }));
        }
        long loadStarted = System.nanoTime();
        long lastBefore;
        try {
            Poll.until(
                    "three pods running under load, desired 3",
                    Duration.ofSeconds(30),
                    () -> engine.runningPods(service).size() == 3 && desired(first)[0] == 3,
                    done -> done,
                    first::tail);
            Pattern kept =
                    Pattern.compile("\"" + Pattern.quote(service) + "\"\\s*:\\s*\\{\\s*\"replicas\"\\s*:\\s*3\\b");
            Poll.until(
                    "the autoscaled count 3 on disk",
                    Duration.ofSeconds(10),
                    () -> read(state.resolve("scaling.json")),
                    text -> kept.matcher(text).find(),
                    first::tail);
            lastBefore = lastSequence(first);
        } finally {
            loading.set(false);
            for (Thread thread : clients) {
                thread.join(Duration.ofSeconds(20));
            }
        }
        Duration scaleUp = Duration.ofNanos(System.nanoTime() - loadStarted);
        assertThat(errors).as("client-side errors under load").isEmpty();
        assertThat(statuses).as("every request answered 200").containsOnlyKeys(200);
        assertThat(engine.runningPods(service))
                .as("still 3 pods when the load stops")
                .hasSize(3);

        first.kill(); // SIGKILL of the daemon's JVM: no shutdown hook, no last write
        Instant launched = Instant.now();
        DaemonProcess second = start();
        long healthyMillis = Duration.between(launched, Instant.now()).toMillis();
        // The first window starts when the restarted daemon restores the count (its autoscaler starts with it), which
        // is before /healthz answers; on a loaded host the JVM alone may take tens of seconds to get there.
        Instant restored = Poll.until(
                        "the restarted daemon to restore the autoscaled count",
                        Duration.ofSeconds(10),
                        () -> logTime(logOf(1), "autoscaled count restored", "\"service\":\"" + service + "\""),
                        Optional::isPresent,
                        second::tail)
                .orElseThrow();
        Instant windowEnds = restored.plus(WINDOW);

        // The whole first window, sampled every ~100 ms: never fewer than 3 running pods, desired 3 in /status.
        List<Sample> samples = new ArrayList<>();
        while (Instant.now().isBefore(windowEnds)) {
            samples.add(sample(second, restored));
            Thread.sleep(SAMPLE.toMillis()); // the sampling period, not a synchronisation
        }
        List<Sample> broken = samples.stream().filter(s -> !s.holds()).toList();

        JsonNode events = second.getJson("/events");
        List<Long> sequences = new ArrayList<>();
        events.forEach(event -> sequences.add(event.path("sequence").asLong()));

        // Then, without load, the service returns to 1; the first sample below 3 is the first scale-down.
        List<Sample> after = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        Sample last = samples.isEmpty() ? sample(second, restored) : samples.getLast();
        while (!(last.running() == 1 && engine.pods(service).size() == 1) && System.nanoTime() - deadline < 0) {
            last = sample(second, restored);
            after.add(last);
            Thread.sleep(SAMPLE.toMillis());
        }
        long firstDecisionDown = logTime(logOf(1), "autoscaled " + service + ": 3 → ", "(down")
                .map(at -> Duration.between(restored, at).toMillis())
                .orElse(-1L);
        long firstPodGone = after.stream()
                .filter(s -> s.running() < 3)
                .mapToLong(Sample::atMillis)
                .findFirst()
                .orElse(-1);
        List<String> downs = new ArrayList<>();
        // The restarted daemon's own events (the scale-down at least) must number on from the kept journal. Read
        // after the scale-down: in the first window the restarted daemon may have journaled nothing yet.
        long lastAfter = 0;
        for (JsonNode event : second.getJson("/events")) {
            lastAfter = Math.max(lastAfter, event.path("sequence").asLong());
            if (event.path("kind").asText().equals("autoscale")
                    && event.path("service").asText().equals(service)
                    && event.path("message").asText().contains("(down,")) {
                downs.add(event.path("message").asText());
            }
        }
        System.out.printf(
                "PodmanAutoscaleRestartIT: %s; 1 → 3 pods under %d clients, load stopped and daemon SIGKILLed after"
                        + " %d ms; restarted daemon restored the count %d ms and answered /healthz %d ms after launch;"
                        + " %d samples in the first %d ms window: min running %d, desired (service/autoscaler) %s;"
                        + " first scale-down decided at %d ms, first pod gone at %d ms after the restore (window %d"
                        + " ms); back to %d pod at %d ms; journal %d → %d (first %d); %d s in all%n"
                        + "pods over time (ms after the restore): %s%n%s%n",
                service,
                CLIENTS,
                scaleUp.toMillis(),
                Duration.between(launched, restored).toMillis(),
                healthyMillis,
                samples.size(),
                WINDOW.toMillis(),
                samples.stream().mapToInt(Sample::running).min().orElse(-1),
                samples.stream()
                        .map(s -> s.desired() + "/" + s.autoscalerDesired())
                        .distinct()
                        .toList(),
                firstDecisionDown,
                firstPodGone,
                WINDOW.toMillis(),
                last.running(),
                last.atMillis(),
                lastBefore,
                lastAfter,
                sequences.isEmpty() ? -1 : sequences.getFirst(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds(),
                timeline(samples, after),
                String.join("\n", downs));

        assertThat(samples).as("samples in the first window").hasSizeGreaterThan(10);
        assertThat(broken)
                .as("samples of the first window with fewer than 3 running pods or desired not 3\n" + second.tail(40))
                .isEmpty();
        assertThat(sequences.getFirst()).as("the kept journal comes back").isEqualTo(1);
        assertThat(sequences)
                .as("journal numbers unique and in order")
                .isSorted()
                .doesNotHaveDuplicates();
        assertThat(lastAfter).as("the journal continues").isGreaterThan(lastBefore);
        assertThat(last.running()).as("back to min after the window: " + last).isEqualTo(1);
        assertThat(firstDecisionDown)
                .as("the first scale-down decision, in ms after the restore")
                .isGreaterThanOrEqualTo(WINDOW.toMillis());
        assertThat(firstPodGone)
                .as("the first pod gone, in ms after the restore")
                .isGreaterThanOrEqualTo(WINDOW.toMillis());
        assertThat(downs).as("scale-down decisions after the restart").isNotEmpty();
        // /status's service count follows once the pass that removed the pods (draining each) has published.
        Poll.until(
                "desired_replicas 1 in /status after the scale-down",
                Duration.ofSeconds(15),
                () -> desired(second),
                desired -> desired[0] == 1 && desired[1] == 1,
                second::tail);
    }

    private DaemonProcess start() throws IOException, InterruptedException {
        DaemonProcess daemon = TestEngine.PODMAN.startDaemon(config, logOf(daemons.size()), List.of());
        daemons.add(daemon);
        return daemon;
    }

    private Path logOf(int daemon) {
        return Path.of("target", "daemon-it", "PodmanAutoscaleRestartIT", service + "-" + daemon + ".log");
    }

    /** The time ({@code "ts"}) of the daemon's first log line containing both texts. */
    private static Optional<Instant> logTime(Path log, String text, String also) throws IOException {
        if (!Files.exists(log)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(log)) {
            Matcher ts = TS.matcher(line);
            if (line.contains(text) && line.contains(also) && ts.find()) {
                return Optional.of(Instant.parse(ts.group(1)));
            }
        }
        return Optional.empty();
    }

    private Sample sample(DaemonProcess daemon, Instant since) throws InterruptedException {
        int[] desired = desired(daemon);
        int running = engine.runningPods(service).size();
        return new Sample(Duration.between(since, Instant.now()).toMillis(), running, desired[0], desired[1]);
    }

    /** The service's desired_replicas and its autoscaler's, from /status. */
    private int[] desired(DaemonProcess daemon) throws InterruptedException {
        JsonNode status = StatusJson.service(daemon.getJson("/status"), service);
        return new int[] {
            status.path("desired_replicas").asInt(-1),
            status.path("autoscaler").path("desired_replicas").asInt(-1)
        };
    }

    /** The samples where the running count or the desired count changed, so the printout stays short. */
    private static String timeline(List<Sample> window, List<Sample> after) {
        List<String> changes = new ArrayList<>();
        Sample previous = null;
        for (List<Sample> part : List.of(window, after)) {
            for (Sample s : part) {
                if (previous == null
                        || s.running() != previous.running()
                        || s.desired() != previous.desired()
                        || s.autoscalerDesired() != previous.autoscalerDesired()) {
                    changes.add(s.toString());
                }
                previous = s;
            }
        }
        return String.join(" → ", changes);
    }

    private static long lastSequence(DaemonProcess daemon) throws InterruptedException {
        long last = 0;
        for (JsonNode event : daemon.getJson("/events")) {
            last = Math.max(last, event.path("sequence").asLong());
        }
        return last;
    }

    private static int status(HttpClient client, URI uri) throws IOException, InterruptedException {
        return client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(15))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
