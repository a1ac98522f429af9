package io.orbit.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.journal.JournalEntry;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.testing.ManualClock;
import io.orbit.engine.testing.TestPasses;
import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.LabelSelector;
import io.orbit.runtime.testing.FakeImage;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exits on the in-memory runtime with a manual clock: restart in place, the back-off between restarts, the crash
 * loop, and what the journal says about each.
 */
class CrashRecoveryTest {

    private final ManualClock clock = new ManualClock();
    private final InMemoryContainerRuntime runtime = new InMemoryContainerRuntime(clock, List.of(FakeImage.fixture()));
    private final DesiredState desired = new DesiredState();
    private final StatusStore status = new StatusStore();
    private final EventJournal journal = new EventJournal(clock, 1000);
    private final List<Duration> rechecks = new CopyOnWriteArrayList<>();
    private final HealthMonitor health = TestPasses.monitor(
            status,
            clock,
            TestPasses.IDLE,
            (probe, target) -> {
                throw new AssertionError("no probes here");
            },
            journal);
    private final ServicePass pass = new ServicePass(
            runtime,
            Ownership.DEFAULT,
            status,
            clock,
            ReconcileMetrics.NONE,
            PodDrainer.NONE,
            new io.orbit.engine.volume.PodVolumes(
                    runtime, Ownership.DEFAULT, java.nio.file.Path.of("target", "test-volumes"), clock),
            health,
            journal,
            (service, delay) -> rechecks.add(delay),
            null);

    @AfterEach
    void close() {
        pass.close();
        runtime.close();
    }

    @Test
    void aCrashIsJournalledWithItsExitCodeAndTheContainerRestartedAtOnce() {
        define(1, 1);
        run();
        String victim = onlyContainer();

        runtime.crash(victim, 3);
        run();

        assertThat(runtime.inspectContainer(victim).state().isRunning()).isTrue();
        run();
        assertThat(kinds()).as("a restart is not a rollout").containsExactly("container-exited", "container-restarted");
        assertThat(journal.after(0).get(0).message()).isEqualTo("container 'main' of pod 0 exited with code 3");
        assertThat(journal.after(0).get(1).message())
                .isEqualTo("restarted container 'main' of pod 0 (restart 1 of this slot): container 'main' exited with"
                        + " code 3; next restart no sooner than 1s later");
    }

    @Test
    void aSecondCrashWaitsForTheBackOffAndAsksForAPassWhenItEnds() {
        define(1, 1);
        run();
        String victim = onlyContainer();
        runtime.crash(victim, 1);
        run();

        clock.advance(Duration.ofMillis(100));
        runtime.crash(victim, 1);
        run();

        assertThat(runtime.inspectContainer(victim).state().isRunning())
                .as("held back")
                .isFalse();
        assertThat(rechecks)
                .singleElement()
                .satisfies(delay -> assertThat(delay).isEqualTo(Duration.ofMillis(920)));
        clock.advance(rechecks.get(0));
        run();
        assertThat(runtime.inspectContainer(victim).state().isRunning()).isTrue();
    }

    @Test
    void fiveCrashesInARowMakeACrashLoopAndAReplacementServesWithinMax() {
        define(1, 2);
        run();
        String victim = onlyContainer();
        List<java.time.Instant> restarts = new ArrayList<>();
        for (int crash = 0; crash < 5; crash++) {
            runtime.crash(victim, 1);
            clock.advance(Duration.ofMinutes(1)); // past any back-off below the cap
            run();
            restarts.add(clock.instant());
        }

        assertThat(kinds()).contains("crash-loop");
        runtime.crash(victim, 1);
        run();

        List<ContainerSummary> containers = containers();
        assertThat(containers)
                .as("the looping pod stays, one replacement beside it")
                .hasSize(2);
        assertThat(runtime.inspectContainer(victim).state().isRunning())
                .as("not restarted before the cap")
                .isFalse();
        assertThat(status.services().get("web").runningPods()).isEqualTo(1);

        run();
        assertThat(containers())
                .as("max 2: nothing more, and the looping pod stays visible")
                .hasSize(2);
        assertThat(status.services().get("web").pods()).hasSize(2);
    }

    @Test
    void anOomKillIsReportedAsSuch() {
        define(1, 1);
        run();
        String victim = onlyContainer();

        runtime.oomKill(victim);
        run();

        JournalEntry oom = journal.after(0).get(0);
        assertThat(oom.kind()).isEqualTo("oom-killed");
        assertThat(oom.message()).startsWith("container 'main' of pod 0 OOM-killed: exceeded its memory limit");
    }

    @Test
    void eachExitIsJournalledOnceThoughPassesRepeat() {
        define(1, 1);
        run();
        String victim = onlyContainer();
        runtime.crash(victim, 1);
        run();
        clock.advance(Duration.ofSeconds(5));
        runtime.crash(victim, 1);

        run();
        run();
        run();

        assertThat(kinds().stream().filter("container-exited"::equals)).hasSize(2);
    }

    @Test
    void theStatusOfARestartedContainerShowsItsNewRunNotTheCachedOldOne() {
        define(1, 1);
        run();
        String victim = onlyContainer();
        runtime.crash(victim, 1);
        clock.advance(Duration.ofSeconds(1));

        run();

        var container =
                status.services().get("web").pods().getFirst().containers().getFirst();
        var engineView = runtime.inspectContainer(victim);
        assertThat(container.startedAt()).isEqualTo(engineView.startedAt());
        assertThat(container.networkAddresses())
                .as("a restart may change the IP; probes and routes must follow")
                .isEqualTo(engineView.networkAddresses());
    }

    @Test
    void passesOfOtherServicesDoNotForgetAServicesExits() {
        var web = TestServices.service("web").replicas(1).build();
        var api = TestServices.service("api").replicas(1).build();
        desired.replace(new DesiredState.Snapshot(Map.of("web", web, "api", api), List.of(), clock.instant()));
        run();
        pass.run("api", desired.service("api"), 0);
        runtime.crash(onlyContainer(), 1);
        run();
        String victim = onlyContainer();
        clock.advance(Duration.ofMillis(100));
        runtime.crash(victim, 7);
        run(); // journals the exit; the restart waits for its back-off

        pass.run("api", desired.service("api"), 0);
        clock.advance(Duration.ofSeconds(2));
        run();

        assertThat(journal.after(0).getLast().message())
                .as("web's second restart still knows why it exited")
                .contains("container 'main' exited with code 7");
        assertThat(kinds().stream().filter("container-exited"::equals)).hasSize(2);
    }

    private void define(int min, int max) {
        var service = TestServices.service("web").replicas(min, max).build();
        desired.replace(new DesiredState.Snapshot(Map.of("web", service), List.of(), clock.instant()));
    }

    private void run() {
        pass.run("web", desired.service("web"), 0);
    }

    private List<ContainerSummary> containers() {
        return runtime.listContainers(LabelSelector.of(OrbitLabels.SERVICE, "web"));
    }

    private String onlyContainer() {
        return containers().stream().map(ContainerSummary::id).findFirst().orElseThrow();
    }

    private List<String> kinds() {
        return journal.after(0).stream().map(JournalEntry::kind).toList();
    }
}
