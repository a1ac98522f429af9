package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.engine.Engine;
import io.orbit.engine.naming.ContainerNames;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.runtime.ContainerSummary;
import io.orbit.testkit.Poll;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon end to end against a real engine: a real {@code orbit} process on a real config directory, observed
 * through the engine (labels only) and through its API. Each engine runs the same scenarios through a subclass.
 *
 * <p>Every test uses service names with a random suffix and removes every container and network carrying them
 * afterwards, even when it fails. Waits are polls with a deadline; a timeout reports the last state seen and the
 * daemon log, which also stays in {@code target/daemon-it}.
 */
@Tag("container-engine")
@ExtendWith(DaemonLogsOnFailure.class)
abstract class DaemonContract {

    /** How often the daemon re-reads every service on its own: "settled" means at least one such pass happened. */
    private static final Duration RESYNC = Engine.RESYNC_INTERVAL;

    private static final List<String> CHANGED_COMMAND = List.of("env", "PORT=8081", "/bin/serve");

    @TempDir
    Path workDirectory;

    private Path configDirectory;
    private EnginePods engine;
    private String suffix;
    private String testName;
    private final Set<String> services = new LinkedHashSet<>();
    private final List<DaemonProcess> daemons = new ArrayList<>();

    /** The engine this subclass runs the scenarios on. */
    private final TestEngine testEngine;

    DaemonContract(TestEngine testEngine) {
        this.testEngine = testEngine;
    }

    @BeforeEach
    void openEngine(TestInfo test) throws IOException {
        engine = testEngine.open();
        configDirectory = Files.createDirectory(workDirectory.resolve("services"));
        suffix = TestEngine.randomSuffix();
        testName = test.getTestMethod().map(Method::getName).orElse("test");
    }

    @AfterEach
    void removeEverythingTheTestCreated() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        for (DaemonProcess daemon : daemons) {
            try {
                daemon.close();
            } catch (Exception | AssertionError e) {
                failures.add(e);
            }
        }
        if (engine != null) {
            services.forEach(service -> engine.removeEverythingOf(service, failures));
            engine.runtime().close();
        }
        if (!failures.isEmpty()) {
            AssertionError cleanup = new AssertionError("cleanup failed; containers may be left over: " + failures);
            failures.forEach(cleanup::addSuppressed);
            throw cleanup;
        }
    }

    @Test
    void startsTheMinimumNumberOfPodsAndServesStatus() throws Exception {
        String web = service("web");
        String side = service("side");
        ServiceFile.web(web).withInstances(2, 4).writeTo(file("web.yml"));
        ServiceFile.withSidecar(side).withInstances(1, 2).writeTo(file("side.yml"));
        long started = System.nanoTime();
        DaemonProcess daemon = startDaemon();

        List<EnginePods.Pod> webPods = awaitRunningPods(daemon, web, 2);
        List<EnginePods.Pod> sidePods = awaitRunningPods(daemon, side, 1);
        report("start of 3 pods (4 containers) from a cold daemon", elapsedSince(started));
        JsonNode status = awaitStatus(
                daemon,
                "both services with all pods running",
                services -> StatusJson.runningPods(services, web) == 2 && StatusJson.runningPods(services, side) == 1);

        assertThat(StatusJson.containers(status, web))
                .extracting(container -> container.path("name").asText())
                .containsExactlyInAnyOrderElementsOf(EnginePods.containerNames(webPods));
        assertThat(StatusJson.containers(status, side))
                .extracting(container -> container.path("name").asText())
                .containsExactlyInAnyOrderElementsOf(EnginePods.containerNames(sidePods));
        assertThat(StatusJson.containers(status, side))
                .extracting(container -> container.path("container_name").asText())
                .containsExactlyInAnyOrder("main", "sidecar");
        for (JsonNode container : StatusJson.containers(status, web, side)) {
            assertThat(container.path("ip_address").asText())
                    .as("ip_address of %s", container.path("name").asText())
                    .isEqualTo(engine.address(container.path("id").asText()));
        }
        assertThat(StatusJson.containers(status, side))
                .extracting(container -> container.path("ip_address").asText())
                .allSatisfy(ip -> assertThat(ip).matches("\\d+\\.\\d+\\.\\d+\\.\\d+"));
        assertThat(StatusJson.containers(status, side))
                .extracting(container -> container.path("networks"))
                .allSatisfy(networks -> assertThat(networks.has(ContainerNames.podNetwork(
                                side, UUID.fromString(sidePods.get(0).id()))))
                        .isTrue());
        Poll.until(
                "orbit_service_instances of both services in /metrics",
                () -> daemon.get("/metrics").body(),
                metrics -> StatusJson.instancesGauge(web, 2).matcher(metrics).find()
                        && StatusJson.instancesGauge(side, 1).matcher(metrics).find(),
                daemon::tail);
        assertThat(daemon.get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void replacesAContainerRemovedBehindItsBack() throws Exception {
        String web = service("web");
        ServiceFile.web(web).withInstances(2, 4).writeTo(file("web.yml"));
        DaemonProcess daemon = startDaemon();
        List<EnginePods.Pod> before = awaitRunningPods(daemon, web, 2);
        String victim = before.get(0).containers().get(0).id();

        long removed = System.nanoTime();
        engine.runtime().removeContainer(victim);
        List<EnginePods.Pod> after = awaitPods(
                daemon,
                web,
                "2 running pods again, without the removed one",
                pods -> pods.size() == 2
                        && pods.stream().allMatch(EnginePods.Pod::isRunning)
                        && pods.stream().noneMatch(pod -> pod.containerIds().contains(victim)));
        report("rm -f of a container -> replacement running", elapsedSince(removed));

        assertThat(after).extracting(EnginePods.Pod::id).contains(before.get(1).id());
        assertThat(engine.isGone(victim)).isTrue();
    }

    @Test
    void restartsAKilledContainerInPlace() throws Exception {
        String side = service("side");
        ServiceFile.withSidecar(side).withInstances(2, 4).writeTo(file("side.yml"));
        DaemonProcess daemon = startDaemon();
        List<EnginePods.Pod> before = awaitRunningPods(daemon, side, 2);
        EnginePods.Pod broken = before.get(0);
        String victim = broken.container("sidecar").id();
        java.time.Instant firstStart =
                engine.runtime().inspectContainer(victim).startedAt().orElseThrow();

        long killed = System.nanoTime();
        engine.runtime().killContainer(victim, "SIGKILL");
        Poll.until(
                "the killed sidecar to run again, in its pod",
                () -> engine.runtime().inspectContainer(victim),
                details -> details.state().isRunning()
                        && details.startedAt().orElseThrow().isAfter(firstStart),
                daemon::tail);
        report("SIGKILL of a sidecar -> container restarted in its pod", elapsedSince(killed));

        List<EnginePods.Pod> after = awaitRunningPods(daemon, side, 2);
        assertThat(after)
                .extracting(EnginePods.Pod::id)
                .containsExactlyInAnyOrder(broken.id(), before.get(1).id());
        assertThat(after.stream()
                        .filter(pod -> pod.id().equals(broken.id()))
                        .findFirst()
                        .orElseThrow()
                        .containerIds())
                .as("the same containers: restarted, not replaced")
                .isEqualTo(broken.containerIds());
        // The journal entry follows the restart call's return, so it may come a moment after the container runs.
        Poll.until(
                "the exit and the restart journalled",
                () -> daemon.getJson("/events").findValuesAsText("kind"),
                kinds -> kinds.contains("container-exited") && kinds.contains("container-restarted"),
                daemon::tail);
    }

    @Test
    void adoptsItsPodsAfterASigkillRestart() throws Exception {
        String web = service("web");
        String side = service("side");
        ServiceFile.web(web).withInstances(2, 4).writeTo(file("web.yml"));
        ServiceFile.withSidecar(side).withInstances(1, 2).writeTo(file("side.yml"));
        DaemonProcess first = startDaemon();
        awaitRunningPods(first, web, 2);
        awaitRunningPods(first, side, 1);
        Map<String, Optional<Instant>> startedBefore = engine.startTimes(web, side);

        first.kill();
        DaemonProcess second = startDaemon();
        Instant restarted = Instant.now();
        awaitStatus(
                second,
                "a resync pass at least " + RESYNC + " after the restart, all pods running",
                services -> StatusJson.runningPods(services, web) == 2
                        && StatusJson.runningPods(services, side) == 1
                        && StatusJson.observedAt(services, web).isAfter(restarted.plus(RESYNC))
                        && StatusJson.observedAt(services, side).isAfter(restarted.plus(RESYNC)));

        assertThat(engine.startTimes(web, side)).isEqualTo(startedBefore);
        assertThat(second.podChanges()).isEmpty();
    }

    @Test
    void removesAServiceDeletedWhileItWasDown() throws Exception {
        String web = service("web");
        String side = service("side");
        ServiceFile.web(web).withInstances(2, 4).writeTo(file("web.yml"));
        ServiceFile.withSidecar(side).withInstances(1, 2).writeTo(file("side.yml"));
        DaemonProcess first = startDaemon();
        Set<String> webContainers = EnginePods.idsOf(awaitRunningPods(first, web, 2));
        awaitRunningPods(first, side, 1);

        first.kill();
        Files.delete(file("side.yml"));
        DaemonProcess second = startDaemon();

        awaitPods(second, side, "no containers left", List::isEmpty);
        Poll.until("no pod networks left", () -> engine.networkNames(side), Set::isEmpty, second::tail);
        assertThat(EnginePods.idsOf(engine.runningPods(web))).isEqualTo(webContainers);
    }

    @Test
    void leavesThePodsOfAnotherInstanceAlone() throws Exception {
        String web = service("web");
        ServiceFile.web(web).withInstances(2, 4).writeTo(file("web.yml"));
        DaemonProcess ours = startDaemon();
        Set<String> ourContainers = EnginePods.idsOf(awaitRunningPods(ours, web, 2));
        // Another daemon on the same engine, defining a service of the same name with one pod.
        Path otherConfig = Files.createDirectory(workDirectory.resolve("other-services"));
        ServiceFile.web(web).withInstances(1, 1).writeTo(otherConfig.resolve("web.yml"));
        String otherInstance = instance() + "-other";
        DaemonProcess other = startDaemon(otherConfig, otherInstance);
        Instant otherStarted = Instant.now();

        awaitStatus(
                other,
                "its own pod running, and a resync pass after its start",
                services -> StatusJson.runningPods(services, web) == 1
                        && StatusJson.observedAt(services, web).isAfter(otherStarted.plus(RESYNC)));
        awaitStatus(ours, "still 2 running pods", services -> StatusJson.runningPods(services, web) == 2);

        Map<String, Set<String>> containersByInstance = engine.containers(web).stream()
                .collect(Collectors.groupingBy(
                        container -> container.labels().getOrDefault(OrbitLabels.INSTANCE, ""),
                        Collectors.mapping(ContainerSummary::id, Collectors.toSet())));
        assertThat(containersByInstance.get(instance())).isEqualTo(ourContainers);
        assertThat(containersByInstance.get(otherInstance)).hasSize(1);
        assertThat(containersByInstance).containsOnlyKeys(instance(), otherInstance);
    }

    @Test
    void followsEditsRenamesAndDeletes() throws Exception {
        String app = service("app");
        Path file = file("app.yml");
        ServiceFile one = ServiceFile.withSidecar(app).withInstances(1, 5);
        one.writeTo(file);
        DaemonProcess daemon = startDaemon();
        EnginePods.Pod original = awaitRunningPods(daemon, app, 1).get(0);

        one.withInstances(3, 5).writeTo(file);
        List<EnginePods.Pod> scaled = awaitRunningPods(daemon, app, 3);
        assertThat(scaled).extracting(EnginePods.Pod::id).contains(original.id());

        one.withInstances(3, 5).withMainCommand(CHANGED_COMMAND).writeTo(file);
        long edited = System.nanoTime();
        AtomicInteger fewestRunning = new AtomicInteger(Integer.MAX_VALUE);
        List<EnginePods.Pod> updated = awaitPods(daemon, app, "3 running pods, all with a new config hash", pods -> {
            fewestRunning.accumulateAndGet(
                    (int) pods.stream().filter(EnginePods.Pod::isRunning).count(), Math::min);
            return pods.size() == 3
                    && pods.stream().allMatch(EnginePods.Pod::isRunning)
                    && pods.stream().noneMatch(pod -> pod.configHash().equals(original.configHash()));
        });
        report(
                "rolling replacement of 3 two-container pods after a command change (fewest running pods seen: %d)"
                        .formatted(fewestRunning.get()),
                elapsedSince(edited));
        assertThat(updated)
                .extracting(EnginePods.Pod::id)
                .doesNotContainAnyElementsOf(
                        scaled.stream().map(EnginePods.Pod::id).toList());
        String desiredHash = StatusJson.service(daemon.getJson("/status"), app)
                .path("config_hash")
                .asText();
        // /status shows the keyed form of the pods' label (docs/operations.md, "The state directory and
        // config_hash"): one spec, one label on every pod, one value in /status, and never the label itself.
        String label = updated.get(0).configHash();
        assertThat(updated).extracting(EnginePods.Pod::configHash).containsOnly(label);
        assertThat(desiredHash).matches("[0-9a-f]{16}").isNotEqualTo(label);
        Poll.until(
                "only the 3 new pods' networks",
                () -> engine.networkNames(app),
                names -> names.equals(EnginePods.podNetworks(app, updated)),
                daemon::tail);

        Path renamed = Files.move(file, file("app-renamed.yml"), StandardCopyOption.ATOMIC_MOVE);
        Instant renamedAt = Instant.now();
        awaitStatus(
                daemon,
                "the renamed file in /status and a resync pass after the rename",
                services -> StatusJson.hasService(services, app)
                        && StatusJson.service(services, app)
                                .path("file")
                                .asText()
                                .equals("app-renamed.yml")
                        && StatusJson.observedAt(services, app).isAfter(renamedAt.plus(RESYNC)));
        assertThat(engine.containerIds(app))
                .isEqualTo(updated.stream()
                        .flatMap(pod -> pod.containerIds().stream())
                        .collect(Collectors.toSet()));

        Files.delete(renamed);
        awaitPods(daemon, app, "no containers left", List::isEmpty);
        Poll.until("no pod networks left", () -> engine.networkNames(app), Set::isEmpty, daemon::tail);
        awaitStatus(daemon, "the service gone from /status", services -> !StatusJson.hasService(services, app));
    }

    @Test
    void anInvalidFileIsReportedAndLeavesItsServiceRunning() throws Exception {
        String web = service("web");
        Path file = file("web.yml");
        ServiceFile valid = ServiceFile.web(web).withInstances(2, 4);
        valid.writeTo(file);
        DaemonProcess daemon = startDaemon();
        Set<String> running = EnginePods.idsOf(awaitRunningPods(daemon, web, 2));

        // Both a broken rule and a changed command: if the file were applied in any part, pods would change.
        valid.withInstances(5, 2).withMainCommand(CHANGED_COMMAND).writeTo(file);
        JsonNode problem = Poll.until(
                        "a problem about web.yml on /problems",
                        () -> StatusJson.problemsAbout(daemon.getJson("/problems"), "web.yml"),
                        problems -> !problems.isEmpty(),
                        daemon::tail)
                .get(0);
        assertThat(problem.path("field").asText()).isEqualTo("instance_count.min");
        assertThat(problem.path("severity").asText()).isEqualTo("error");
        assertThat(problem.path("message").asText()).contains("greater than max");
        Poll.until(
                "an ERROR log line naming web.yml",
                daemon::logEvents,
                events -> events.stream()
                        .anyMatch(event -> event.path("level").asText().equals("ERROR")
                                && event.path("file").asText().equals("web.yml")
                                && event.path("field").asText().equals("instance_count.min")),
                daemon::tail);

        Poll.holdsFor(
                "the same 2 running containers",
                RESYNC.multipliedBy(2).plusSeconds(2),
                () -> EnginePods.idsOf(engine.runningPods(web)),
                running::equals,
                daemon::tail);
        JsonNode kept = StatusJson.service(daemon.getJson("/status"), web);
        assertThat(kept.path("min_instances").asInt()).isEqualTo(2);
        assertThat(kept.path("running_pods").asInt()).isEqualTo(2);

        valid.withInstances(3, 4).writeTo(file);
        List<EnginePods.Pod> fixed = awaitRunningPods(daemon, web, 3);
        assertThat(EnginePods.idsOf(fixed)).containsAll(running);
        Poll.until(
                "no problem about web.yml on /problems",
                () -> StatusJson.problemsAbout(daemon.getJson("/problems"), "web.yml"),
                List::isEmpty,
                daemon::tail);
    }

    @Test
    void onExitStopRemovesEverything() throws Exception {
        String web = service("web");
        String side = service("side");
        ServiceFile.web(web).withInstances(2, 4).writeTo(file("web.yml"));
        ServiceFile.withSidecar(side).withInstances(1, 2).writeTo(file("side.yml"));
        DaemonProcess daemon = startDaemon("--on-exit", "stop");
        awaitRunningPods(daemon, web, 2);
        awaitRunningPods(daemon, side, 1);

        long stopping = System.nanoTime();
        daemon.terminate();
        report("SIGTERM with --on-exit stop -> daemon exited, 3 pods removed", elapsedSince(stopping));

        assertThat(engine.containers(web)).isEmpty();
        assertThat(engine.containers(side)).isEmpty();
        assertThat(engine.networks(side)).isEmpty();
    }

    @Test
    void aPlainSigtermLeavesThePodsRunning() throws Exception {
        String web = service("web");
        ServiceFile.web(web).withInstances(2, 4).writeTo(file("web.yml"));
        DaemonProcess daemon = startDaemon();
        Set<String> running = EnginePods.idsOf(awaitRunningPods(daemon, web, 2));

        long stopping = System.nanoTime();
        daemon.terminate();
        report("SIGTERM with --on-exit keep -> daemon exited", elapsedSince(stopping));

        assertThat(EnginePods.idsOf(engine.runningPods(web))).isEqualTo(running);
    }

    // --- the daemon ---

    private DaemonProcess startDaemon(String... extraArguments) throws IOException, InterruptedException {
        return startDaemon(configDirectory, instance(), extraArguments);
    }

    /** Starts a daemon; each test's daemons use their own instance name, so they never touch anyone else's pods. */
    private DaemonProcess startDaemon(Path configDirectory, String instance, String... extraArguments)
            throws IOException, InterruptedException {
        Path log = Path.of(
                "target",
                "daemon-it",
                getClass().getSimpleName(),
                "%s-%s-%d.log".formatted(testName, suffix, daemons.size() + 1));
        List<String> arguments = new ArrayList<>(List.of("--instance", instance));
        arguments.addAll(List.of(extraArguments));
        DaemonProcess daemon = testEngine.startDaemon(configDirectory, log, arguments);
        daemons.add(daemon);
        return daemon;
    }

    private String instance() {
        return "it-" + suffix;
    }

    private JsonNode awaitStatus(DaemonProcess daemon, String what, Predicate<JsonNode> done) throws Exception {
        return Poll.until("/status to show " + what, () -> daemon.getJson("/status"), done, daemon::tail);
    }

    // --- the engine ---

    private List<EnginePods.Pod> awaitRunningPods(DaemonProcess daemon, String service, int count) throws Exception {
        return awaitPods(
                daemon,
                service,
                count + " running pods",
                pods -> pods.size() == count && pods.stream().allMatch(EnginePods.Pod::isRunning));
    }

    private List<EnginePods.Pod> awaitPods(
            DaemonProcess daemon, String service, String what, Predicate<List<EnginePods.Pod>> done) throws Exception {
        return Poll.until(what + " of " + service, () -> engine.pods(service), done, daemon::tail);
    }

    // --- names, files, figures ---

    private String service(String role) {
        String name = "it-%s-%s".formatted(role, suffix);
        services.add(name);
        return name;
    }

    private Path file(String name) {
        return configDirectory.resolve(name);
    }

    private static Duration elapsedSince(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime);
    }

    /** A benchmark figure (docs/benchmarks.md): printed, so the Failsafe output carries it. */
    private void report(String what, Duration took) {
        System.out.printf(
                "[daemon-it %s] %s: %d ms%n",
                getClass().getSimpleName().replace("DaemonIT", ""), what, took.toMillis());
    }

    /** The daemons this test started, for {@link DaemonLogsOnFailure}. */
    List<DaemonProcess> daemons() {
        return daemons;
    }
}
