package io.orbit.engine.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.journal.JournalEntry;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.reconcile.PodDrainer;
import io.orbit.engine.reconcile.ReconcileMetrics;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.reconcile.RetryBackoff;
import io.orbit.engine.reconcile.ServicePass;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.testing.ManualClock;
import io.orbit.engine.testing.TestPasses;
import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.testing.FakeImage;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The image watcher on the in-memory runtime, ticked by hand on a manual clock; whole passes bring the pods along. */
class ImageWatcherTest {

    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final String OLD_ID = FakeImage.fixture().id();

    private final ManualClock clock = new ManualClock();
    private final InMemoryContainerRuntime runtime = new InMemoryContainerRuntime(clock, List.of(FakeImage.fixture()));
    private final StatusStore status = new StatusStore();
    private final EventJournal journal = new EventJournal(clock, 1000);
    private final DesiredState desired = new DesiredState();
    private final ReconcileQueue queue = new ReconcileQueue(clock, RetryBackoff.DEFAULT);
    private final List<ServicePass> passes = new ArrayList<>();
    private ServicePass pass = newPass();
    private final ImageWatcher watcher = new ImageWatcher(desired, status, runtime, queue, journal, clock);

    private ServicePass newPass() {
        ServicePass created = new ServicePass(
                runtime,
                Ownership.DEFAULT,
                status,
                clock,
                ReconcileMetrics.NONE,
                PodDrainer.NONE,
                new io.orbit.engine.volume.PodVolumes(
                        runtime, Ownership.DEFAULT, java.nio.file.Path.of("target", "test-volumes"), clock),
                TestPasses.monitor(status, clock, TestPasses.IDLE, (probe, target) -> null, journal),
                journal,
                (service, delay) -> {},
                null);
        passes.add(created);
        return created;
    }

    @AfterEach
    void close() {
        watcher.close();
        passes.forEach(ServicePass::close);
        runtime.close();
    }

    @Test
    void aNewImageUnderTheTagSetsATokenEnqueuesJournalsAndThePodsEndOnIt() {
        define(web(ServiceSpec.PullPolicy.Never));
        converge("web");
        watcher.tick();
        clock.advance(INTERVAL);
        watcher.tick();
        assertThat(desired.restartToken("web")).as("same image id: nothing").isEmpty();
        assertThat(queue.poll()).isEmpty();
        assertThat(journal.after(0)).noneMatch(entry -> entry.kind().startsWith("image-"));

        runtime.addImage(new FakeImage(TestServices.IMAGE, "a1b2c3d4e5f60718293a", "v2\n"));
        clock.advance(INTERVAL.minusSeconds(1));
        watcher.tick();
        assertThat(desired.restartToken("web")).as("not before the interval").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        watcher.tick();

        assertThat(desired.restartToken("web")).isPresent();
        assertThat(queue.poll()).contains("web");
        assertThat(message(ImageWatcher.UPDATED))
                .contains(OLD_ID.substring(0, 12) + " -> a1b2c3d4e5f6")
                .contains(desired.restartToken("web").orElseThrow());
        converge("web");
        assertThat(imageIds("web")).containsOnly("a1b2c3d4e5f60718293a");
        assertThat(containers("web")).hasSize(2);

        String token = desired.restartToken("web").orElseThrow();
        clock.advance(INTERVAL);
        watcher.tick();
        assertThat(desired.restartToken("web"))
                .as("the pods run the tag's image: no new rollout")
                .contains(token);
        assertThat(kinds().stream().filter(ImageWatcher.UPDATED::equals)).hasSize(1);
    }

    @Test
    void aFreshDaemonDoesNotRollPodsThatARestartTokenReplaced() {
        define(web(ServiceSpec.PullPolicy.Never));
        converge("web");
        desired.restart("web");
        converge("web");
        Set<String> restarted = ids("web");
        assertThat(hashes("web")).allMatch(hash -> hash.contains("-r"));

        DesiredState fresh = new DesiredState();
        fresh.replace(desired.snapshot());
        pass = newPass();
        for (int i = 0; i < 3; i++) {
            pass.run("web", fresh.service("web"), 0);
            clock.advance(Duration.ofSeconds(5));
        }

        assertThat(ids("web")).as("no token: pods of H-r<anything> are current").isEqualTo(restarted);
        assertThat(status.services().get("web").pods()).allMatch(pod -> pod.current());
    }

    @Test
    void alwaysPullsAndAPullFailureIsJournalledOnceAndRetriedNeverFatal() {
        define(web(ServiceSpec.PullPolicy.Always));
        converge("web");
        watcher.tick();
        runtime.failPulls(TestServices.IMAGE, "registry unreachable");
        clock.advance(INTERVAL);
        watcher.tick();
        clock.advance(INTERVAL);
        watcher.tick();

        assertThat(kinds().stream().filter(ImageWatcher.CHECK_FAILED::equals))
                .as("the same failure is reported once, then retried quietly")
                .hasSize(1);
        assertThat(message(ImageWatcher.CHECK_FAILED))
                .contains(TestServices.IMAGE, "registry unreachable", "pull_policy: Never");
        assertThat(desired.restartToken("web")).isEmpty();

        runtime.healPulls(TestServices.IMAGE);
        runtime.publish(new FakeImage(TestServices.IMAGE, "bbbbbbbbbbbbbbbb", "v2\n"));
        clock.advance(INTERVAL);
        watcher.tick();

        assertThat(desired.restartToken("web"))
                .as("the next interval pulls the new image")
                .isPresent();
        assertThat(runtime.inspectImage(TestServices.IMAGE).orElseThrow().id()).isEqualTo("bbbbbbbbbbbbbbbb");
        converge("web");
        assertThat(imageIds("web")).containsOnly("bbbbbbbbbbbbbbbb");
    }

    @Test
    void aServiceAddedByAReloadIsWatchedAndARemovedOneDropped() {
        define(web(ServiceSpec.PullPolicy.Never));
        converge("web");
        watcher.tick();

        DesiredService api = TestServices.service("api")
                .replicas(1)
                .imageCheckInterval(INTERVAL)
                .build();
        desired.replace(new DesiredState.Snapshot(Map.of("api", api), List.of(), clock.instant()));
        pass.run("web", Optional.empty(), 0);
        converge("api");
        watcher.tick();
        runtime.addImage(new FakeImage(TestServices.IMAGE, "cccccccccccccccc", "v3\n"));
        clock.advance(INTERVAL);
        watcher.tick();

        assertThat(desired.restartToken("api")).isPresent();
        assertThat(desired.restartToken("web")).as("removed: not watched").isEmpty();
        assertThat(queue.poll()).contains("api");
    }

    @Test
    void aFailedImageRollsBackKeepsTheOldPodsAndIsNotTriggeredAgainButANewerOneIs() {
        define(web(ServiceSpec.PullPolicy.Never));
        converge("web");
        Set<String> old = ids("web");
        watcher.tick();

        runtime.addImage(new FakeImage(TestServices.IMAGE, "dddddddddddddddd", "broken\n"));
        clock.advance(INTERVAL);
        watcher.tick();
        String token = desired.restartToken("web").orElseThrow();
        run("web");
        String fresh =
                ids("web").stream().filter(id -> !old.contains(id)).findFirst().orElseThrow();
        clock.advance(Duration.ofSeconds(1));
        runtime.crash(fresh, 1);
        run("web");
        run("web");

        assertThat(ids("web")).as("the new pod removed, the old ones untouched").isEqualTo(old);
        assertThat(old)
                .allSatisfy(
                        id -> assertThat(runtime.inspectContainer(id).state()).isEqualTo(ContainerState.RUNNING));
        assertThat(kinds()).contains("rollout-failed");

        for (int i = 0; i < 3; i++) {
            clock.advance(INTERVAL);
            watcher.tick();
            run("web");
        }
        assertThat(desired.restartToken("web"))
                .as("the failed image is not triggered again")
                .contains(token);
        assertThat(ids("web")).isEqualTo(old);

        runtime.addImage(new FakeImage(TestServices.IMAGE, "eeeeeeeeeeeeeeee", "fixed\n"));
        clock.advance(INTERVAL);
        watcher.tick();
        assertThat(desired.restartToken("web"))
                .as("a newer image is")
                .isPresent()
                .isNotEqualTo(Optional.of(token));
        converge("web");
        assertThat(imageIds("web")).containsOnly("eeeeeeeeeeeeeeee");
    }

    /** docs/concurrency.md: no lock is held across a runtime call; a tick during a long pull neither waits nor pulls. */
    @Test
    void aTickDuringALongPullReturnsAtOnceWithoutPullingAgain() throws Exception {
        define(web(ServiceSpec.PullPolicy.Always));
        converge("web");
        CountDownLatch pulling = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger pulls = new AtomicInteger();
        ContainerRuntime slowPulls = (ContainerRuntime) Proxy.newProxyInstance(
                ContainerRuntime.class.getClassLoader(),
                new Class<?>[] {ContainerRuntime.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("pullImage")) {
                        pulls.incrementAndGet();
                        pulling.countDown();
                        release.await(10, TimeUnit.SECONDS);
                    }
                    try {
                        return method.invoke(runtime, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ImageWatcher slow = new ImageWatcher(desired, status, slowPulls, queue, journal, clock);
        slow.tick();
        clock.advance(INTERVAL);
        Thread first = Thread.ofPlatform().name("first-tick").start(slow::tick);
        try {
            assertThat(pulling.await(10, TimeUnit.SECONDS))
                    .as("the first tick pulls")
                    .isTrue();

            long before = System.nanoTime();
            slow.tick();
            Duration waited = Duration.ofNanos(System.nanoTime() - before);

            assertThat(waited).as("the second tick waited behind the pull").isLessThan(Duration.ofSeconds(5));
            assertThat(pulls).as("the second tick pulled too").hasValue(1);
        } finally {
            release.countDown();
            first.join(Duration.ofSeconds(10));
            slow.close();
        }
        assertThat(first.isAlive()).isFalse();
        slow.tick();
        assertThat(pulls).as("not due again until the next interval").hasValue(1);
    }

    private DesiredService web(ServiceSpec.PullPolicy policy) {
        return TestServices.service("web")
                .replicas(2)
                .pullPolicy(policy)
                .imageCheckInterval(INTERVAL)
                .build();
    }

    private void define(DesiredService service) {
        desired.replace(new DesiredState.Snapshot(Map.of(service.name(), service), List.of(), Instant.EPOCH));
    }

    private void run(String service) {
        pass.run(service, desired.service(service), 0);
    }

    /** Passes until the service's pods all run its desired spec (and a rollout's monitor window is over). */
    private void converge(String service) {
        for (int i = 0; i < 12; i++) {
            run(service);
            clock.advance(Duration.ofSeconds(5));
        }
    }

    private List<ContainerSummary> containers(String service) {
        return runtime.listContainers(OrbitLabels.service(service));
    }

    private Set<String> ids(String service) {
        return containers(service).stream().map(ContainerSummary::id).collect(Collectors.toSet());
    }

    private Set<String> hashes(String service) {
        return containers(service).stream()
                .map(container -> container.labels().get(OrbitLabels.CONFIG_HASH))
                .collect(Collectors.toSet());
    }

    private Set<String> imageIds(String service) {
        return ids(service).stream()
                .map(id -> runtime.inspectContainer(id).imageId())
                .collect(Collectors.toSet());
    }

    private List<String> kinds() {
        return journal.after(0).stream().map(JournalEntry::kind).toList();
    }

    private String message(String kind) {
        return journal.after(0).stream()
                .filter(entry -> entry.kind().equals(kind))
                .map(JournalEntry::message)
                .reduce((first, second) -> second)
                .orElseThrow();
    }
}
