package io.orbit.engine.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.journal.JournalEntry;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.testing.ManualClock;
import io.orbit.engine.testing.ManualProbeScheduler;
import io.orbit.engine.testing.TestPasses;
import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.ContainerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The monitor against a status store, a scripted prober and a manual clock: which containers it probes, when, and
 * what it asks of traffic and the reconciler.
 */
class HealthMonitorTest {

    private final ManualClock clock = new ManualClock();
    private final ManualProbeScheduler scheduler = new ManualProbeScheduler(clock);
    private final StatusStore status = new StatusStore();
    private final EventJournal journal = new EventJournal(clock, 100);
    /** Per container address: pass or fail; unknown addresses are refused. */
    private final Map<String, Boolean> passing = new ConcurrentHashMap<>();

    private final List<String> probesRun = new CopyOnWriteArrayList<>();
    /** The engine is unreachable: a probe that needs it (an exec) cannot run. */
    private volatile boolean engineGone;

    private final List<String> actions = new CopyOnWriteArrayList<>();
    private final HealthMonitor monitor = TestPasses.monitor(
            status,
            clock,
            scheduler,
            (probe, target) -> {
                String address = target.port(80).map(Object::toString).orElse("none");
                probesRun.add(address);
                if (engineGone) {
                    throw new io.orbit.runtime.RuntimeUnavailableException(
                            "unix:///gone.sock", "no such socket file", "start the engine", null);
                }
                return passing.getOrDefault(address, false)
                        ? ProbeResult.PASSED
                        : ProbeResult.failed("connection refused");
            },
            journal);

    private final DesiredService web = TestServices.service("web")
            .replicas(2)
            .container(
                    "main",
                    TestServices.IMAGE,
                    List.of(),
                    List.of(new ContainerTemplate.PortSpec(80, null, 8080, null)),
                    new ContainerTemplate.HealthCheck(
                            "10s", 3, "5s", 3, new ContainerTemplate.TcpCheck(80, "1s", null, null), null, null))
            .build();

    HealthMonitorTest() {
        monitor.bind(new HealthMonitor.Actions() {
            @Override
            public void takeOutOfTraffic(String service, String podId) {
                actions.add("drain " + podId);
            }

            @Override
            public void readinessChanged(String service) {
                actions.add("publish");
            }

            @Override
            public void reconcile(String service) {
                actions.add("reconcile " + service);
            }
        });
    }

    @Test
    void probesThatCannotReachTheEngineDecideNothingAndAreTriedAgain() {
        passing.put("10.0.0.1:80", true);
        publish(pod("p0", 0, container("c0", "10.0.0.1", clock.instant())));
        scheduler.runDue();
        actions.clear();

        engineGone = true;
        int before = probesRun.size();
        scheduler.advance(Duration.ofMinutes(1), Duration.ofSeconds(1));

        assertThat(probesRun.size() - before).as("still probed at its interval").isGreaterThanOrEqualTo(5);
        assertThat(actions)
                .as("an engine outage neither drains nor restarts the pod")
                .isEmpty();
        assertThat(monitor.verdict(new SlotKey("web", 0, web.configHash()), "p0", List.of("c0"))
                        .ready())
                .isTrue();
        assertThat(journal.after(0)).isEmpty();
    }

    @Test
    void aStartedContainerIsProbedAtOnceAndBecomesReadyOnItsFirstPass() {
        passing.put("10.0.0.1:80", true);
        publish(pod("p0", 0, container("c0", "10.0.0.1", clock.instant())));

        scheduler.runDue();

        assertThat(probesRun).containsExactly("10.0.0.1:80");
        assertThat(monitor.isReady(web.definition(), podStatus("p0"))).isTrue();
        assertThat(actions).containsExactly("publish");
    }

    @Test
    void aContainerIsNotReadyBeforeItsFirstPassingProbe() {
        publish(pod("p0", 0, container("c0", "10.0.0.1", clock.instant())));

        assertThat(monitor.isReady(web.definition(), podStatus("p0"))).isFalse();
        scheduler.advance(Duration.ofSeconds(2), Duration.ofMillis(100));

        assertThat(probesRun).as("fast probes while starting").hasSize(5);
        assertThat(monitor.isReady(web.definition(), podStatus("p0"))).isFalse();
        passing.put("10.0.0.1:80", true);
        scheduler.advance(Duration.ofMillis(500), Duration.ofMillis(100));
        assertThat(monitor.isReady(web.definition(), podStatus("p0"))).isTrue();
    }

    @Test
    void failingLivenessTakesThePodOutOfTrafficThenAsksForARestart() {
        passing.put("10.0.0.1:80", true);
        publish(pod("p0", 0, container("c0", "10.0.0.1", clock.instant())));
        scheduler.runDue();
        actions.clear();

        passing.put("10.0.0.1:80", false);
        scheduler.advance(Duration.ofSeconds(10), Duration.ofSeconds(1));
        assertThat(actions).as("two failures are not enough").isEmpty();
        scheduler.advance(Duration.ofSeconds(5), Duration.ofSeconds(1));

        assertThat(actions).containsExactly("drain p0", "reconcile web");
        PodVerdict verdict = monitor.verdict(new SlotKey("web", 0, web.configHash()), "p0", List.of("c0"));
        assertThat(verdict.ready()).isFalse();
        assertThat(verdict.action()).hasValueSatisfying(action -> {
            assertThat(action).isInstanceOf(PodVerdict.Action.RestartContainers.class);
            assertThat(action.reason())
                    .isEqualTo("container 'main' liveness failed 3 time(s) in a row: tcp :80: connection refused");
        });
        assertThat(journal.after(0)).extracting(JournalEntry::kind).containsExactly("unhealthy");
        int probes = probesRun.size();
        scheduler.advance(Duration.ofMinutes(1), Duration.ofSeconds(1));
        assertThat(probesRun).as("an unhealthy run is not probed further").hasSize(probes);
    }

    @Test
    void aContainerNeverReadyWithinStartupTimeoutAsksForAReplacement() {
        publish(pod("p0", 0, container("c0", "10.0.0.1", clock.instant())));

        scheduler.advance(Duration.ofSeconds(10), Duration.ofMillis(500));

        PodVerdict verdict = monitor.verdict(new SlotKey("web", 0, web.configHash()), "p0", List.of("c0"));
        assertThat(verdict.action()).hasValueSatisfying(action -> {
            assertThat(action).isInstanceOf(PodVerdict.Action.ReplacePod.class);
            assertThat(action.reason())
                    .startsWith(
                            "container 'main' not ready within startup_timeout 10s (last: tcp :80: connection refused)");
        });
        assertThat(actions).containsExactly("reconcile web");
        assertThat(journal.after(0)).extracting(JournalEntry::kind).containsExactly("startup-failed");
    }

    @Test
    void aRestartedContainerIsANewRunThatStartsOver() {
        passing.put("10.0.0.1:80", true);
        Instant firstRun = clock.instant();
        publish(pod("p0", 0, container("c0", "10.0.0.1", firstRun)));
        scheduler.runDue();
        passing.put("10.0.0.1:80", false);
        scheduler.advance(Duration.ofSeconds(15), Duration.ofSeconds(1));
        assertThat(monitor.health("c0").orElseThrow().state()).isEqualTo(HealthState.UNHEALTHY);

        monitor.restarting(List.of("c0"));
        passing.put("10.0.0.1:80", true);
        publish(pod("p0", 0, container("c0", "10.0.0.1", clock.instant())));
        scheduler.runDue();

        assertThat(monitor.health("c0").orElseThrow().state()).isEqualTo(HealthState.HEALTHY);
        assertThat(monitor.verdict(new SlotKey("web", 0, web.configHash()), "p0", List.of("c0"))
                        .action())
                .isEmpty();
    }

    @Test
    void containersThatAreGoneOrExitedAreNoLongerProbed() {
        passing.put("10.0.0.1:80", true);
        publish(pod("p0", 0, container("c0", "10.0.0.1", clock.instant())));
        scheduler.runDue();
        assertThat(monitor.watched()).isEqualTo(1);

        publish();

        assertThat(monitor.watched()).isZero();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void containersWithoutAHealthCheckAreNotProbedAndReadyWhileRunning() {
        DesiredService plain = TestServices.service("plain").replicas(1).build();
        PodStatus pod = new PodStatus(
                "p9",
                0,
                plain.configHash(),
                true,
                List.of(container("c9", "10.0.0.9", clock.instant())),
                Optional.empty());
        status.put(new ServiceStatus("plain", Optional.of(plain), List.of(pod), Optional.empty(), 0, clock.instant()));

        monitor.sync();

        assertThat(monitor.watched()).isZero();
        assertThat(monitor.isReady(plain.definition(), pod)).isTrue();
    }

    @Test
    void aChangedHealthCheckIsReadFromTheNewSpec() {
        // Policies are cached per health check: a new spec's check must still be the one that counts.
        passing.put("10.0.0.1:80", true);
        ContainerStatus running = container("c0", "10.0.0.1", clock.instant());
        publish(pod("p0", 0, running));
        scheduler.runDue();
        assertThat(monitor.watched()).isEqualTo(1);
        DesiredService unprobed = TestServices.service("web")
                .replicas(2)
                .container(
                        "main",
                        TestServices.IMAGE,
                        List.of(),
                        List.of(new ContainerTemplate.PortSpec(80, null, 8080, null)),
                        new ContainerTemplate.HealthCheck("10s", 3, "5s", 3, null, null, null))
                .build();

        status.put(new ServiceStatus(
                "web",
                Optional.of(unprobed),
                List.of(new PodStatus("p0", 0, unprobed.configHash(), true, List.of(running), Optional.empty())),
                Optional.empty(),
                0,
                clock.instant()));
        monitor.sync();

        assertThat(monitor.watched()).as("the new check declares no probe").isZero();
        assertThat(monitor.isProbed(unprobed.definition(), podStatus("p0"))).isFalse();
        assertThat(monitor.isProbed(web.definition(), podStatus("p0"))).isTrue();
        assertThat(monitor.isReady(web.definition(), podStatus("p0")))
                .as("back on the probed spec, the run has no watch yet")
                .isFalse();
    }

    @Test
    void aSlowProbeOfOneContainerDoesNotDelayAnother() {
        // Probes run as separate tasks: a probe that never returns for one container still lets others be scheduled.
        passing.put("10.0.0.2:80", true);
        publish(
                pod("p0", 0, container("c0", "10.0.0.1", clock.instant())),
                pod("p1", 1, container("c1", "10.0.0.2", clock.instant())));

        scheduler.runDue();

        assertThat(monitor.isReady(web.definition(), podStatus("p1"))).isTrue();
        assertThat(monitor.isReady(web.definition(), podStatus("p0"))).isFalse();
    }

    private ContainerStatus container(String id, String ip, Instant startedAt) {
        return new ContainerStatus(
                id,
                "web__0__main__" + id,
                "main",
                TestServices.IMAGE,
                ContainerState.RUNNING,
                0,
                Map.of("orbit", ip),
                List.of(),
                Optional.of(startedAt));
    }

    private PodStatus pod(String podId, int number, ContainerStatus... containers) {
        return new PodStatus(podId, number, web.configHash(), true, List.of(containers), Optional.empty());
    }

    private void publish(PodStatus... pods) {
        status.put(new ServiceStatus("web", Optional.of(web), List.of(pods), Optional.empty(), 0, clock.instant()));
        monitor.sync();
    }

    private PodStatus podStatus(String podId) {
        return status.services().get("web").pods().stream()
                .filter(pod -> pod.podId().equals(podId))
                .findFirst()
                .orElseThrow();
    }
}
