package io.orbit.engine.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.journal.JournalEntry;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.reconcile.RetryBackoff;
import io.orbit.engine.routing.ActivationListener;
import io.orbit.engine.routing.RouteTable;
import io.orbit.engine.routing.ServiceTraffic;
import io.orbit.engine.routing.TrafficControl;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.PodHealthStatus;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.testing.ManualClock;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The loop with hand-written fakes and a manual clock: what it reads, what it writes, and what it refuses to do. */
class AutoscaleLoopTest {

    /** Concurrency 1 per pod, short windows, no stabilisation, one step per tick at most. */
    private static final String FAST = "autoscaling: {concurrency_target: 1, stable_window: 6s, panic_window: 2s,"
            + " scale_down: {stabilization_window: 0s}}\nscaling_policy: {cooldown_duration: 0s}";

    private final ManualClock clock = new ManualClock();
    private final DesiredState desired = new DesiredState();
    private final StatusStore status = new StatusStore();
    private final FakeTraffic traffic = new FakeTraffic();
    private final ReconcileQueue queue = new ReconcileQueue(clock, RetryBackoff.DEFAULT);
    private final EventJournal journal = new EventJournal(clock, 1000);
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final AutoscaleLoop loop = new AutoscaleLoop(
            desired,
            status,
            traffic,
            InMemoryContainerRuntime.withFixtureImage(),
            queue,
            journal,
            metrics,
            clock,
            Fixtures.HOST_CPUS,
            Duration.ofSeconds(10));

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void concurrentRequestsRaiseTheDesiredReplicasWithinMaxAndEnqueueTheService() {
        load(Fixtures.definition(1, 3, FAST));
        pods(current(0));
        traffic.inFlight(Map.of("pod-0", 6));

        loop.tick();

        assertThat(replicas()).isEqualTo(3);
        assertThat(desired.autoscaledReplicas("web")).contains(3);
        assertThat(queue.poll()).contains("web");
        assertThat(autoscaleEvents())
                .singleElement()
                .satisfies(entry -> assertThat(entry.message()).startsWith("web: 1 → 3 (up, max)"));
        assertThat(metrics.decisions).contains("web up max");
        assertThat(metrics.inFlight).containsEntry("web", 6);
        assertThat(loop.status("web")).hasValueSatisfying(view -> {
            assertThat(view.enabled()).isTrue();
            assertThat(view.desiredReplicas()).isEqualTo(3);
            assertThat(view.lastDecision())
                    .hasValueSatisfying(
                            decision -> assertThat(decision.direction()).isEqualTo(ScalingDecision.Direction.UP));
        });
    }

    @Test
    void afterTheLoadStopsItScalesDownToMinRemovingThePodsWithFewestInFlightFirst() {
        load(Fixtures.definition(1, 3, FAST));
        pods(current(0));
        traffic.inFlight(Map.of("pod-0", 6));
        loop.tick();
        assertThat(replicas()).isEqualTo(3);
        pods(current(0), current(1), current(2));

        // pod 0 still answers one slow request; pods 1 and 2 are idle
        traffic.inFlight(Map.of("pod-0", 1));
        for (int i = 0; i < 10 && replicas() > 1; i++) {
            clock.advance(AutoscaleLoop.TICK);
            loop.tick();
        }

        assertThat(replicas()).isEqualTo(1);
        assertThat(desired.preferredVictims("web")).doesNotContain("pod-0").isNotEmpty();
        assertThat(autoscaleEvents()).extracting(JournalEntry::message).anyMatch(message -> message.contains("(down,"));
    }

    @Test
    void aPinWinsOverTheAutoscalerUntilItIsReleased() {
        load(Fixtures.definition(1, 3, FAST));
        pods(current(0));
        desired.pinReplicas("web", 2);
        traffic.inFlight(Map.of("pod-0", 6));

        loop.tick();

        assertThat(replicas()).as("the pin's count").isEqualTo(2);
        assertThat(desired.autoscaledReplicas("web")).isEmpty();
        assertThat(loop.status("web"))
                .hasValueSatisfying(view -> assertThat(view.pinnedReplicas()).contains(2));
        assertThat(autoscaleEvents())
                .singleElement()
                .satisfies(entry -> assertThat(entry.message())
                        .contains("pinned to 2 replicas")
                        .contains("--auto"));

        desired.unpinReplicas("web");
        clock.advance(AutoscaleLoop.TICK);
        loop.tick();

        assertThat(replicas()).isEqualTo(3);
        assertThat(autoscaleEvents())
                .extracting(JournalEntry::message)
                .anyMatch(message -> message.contains("released"));
    }

    @Test
    void aPinSetAfterTheAutoscalerDecidedStillWins() {
        load(Fixtures.definition(1, 3, FAST));
        desired.setAutoscaledReplicas("web", 3);

        desired.pinReplicas("web", 1);

        assertThat(replicas()).isEqualTo(1);
    }

    @Test
    void noScaleDownWhileARolloutReplacesPods() {
        load(Fixtures.definition(1, 3, FAST));
        desired.setAutoscaledReplicas("web", 3);
        pods(current(0), current(1), outdated(2));

        for (int i = 0; i < 5; i++) {
            clock.advance(AutoscaleLoop.TICK);
            loop.tick();
        }

        assertThat(replicas()).isEqualTo(3);
        assertThat(loop.status("web"))
                .hasValueSatisfying(view -> assertThat(view.heldBack())
                        .hasValueSatisfying(why -> assertThat(why).contains("rollout")));

        pods(current(0), current(1), current(2));
        clock.advance(AutoscaleLoop.TICK);
        loop.tick();

        assertThat(replicas()).as("the rollout is over").isLessThan(3);
    }

    @Test
    void aRolloutDoesNotHoldBackAScaleUp() {
        load(Fixtures.definition(1, 3, FAST));
        pods(outdated(0));
        traffic.inFlight(Map.of("pod-0", 6));

        loop.tick();

        assertThat(replicas()).isEqualTo(3);
    }

    @Test
    void aReloadKeepsTheAutoscaledCountWithinTheNewBoundsAndUpdatesThePolicy() {
        load(Fixtures.definition(1, 3, FAST));
        pods(current(0));
        traffic.inFlight(Map.of("pod-0", 6));
        loop.tick();
        assertThat(replicas()).isEqualTo(3);

        load(Fixtures.definition(1, 5, FAST));
        pods(current(0), current(1), current(2));
        assertThat(replicas()).as("kept across the reload").isEqualTo(3);
        traffic.inFlight(Map.of("pod-0", 3, "pod-1", 3, "pod-2", 3));
        clock.advance(Duration.ofSeconds(16));
        loop.tick();
        assertThat(replicas()).as("the new max applies").isEqualTo(5);

        load(Fixtures.definition(1, 2, FAST));
        assertThat(replicas()).as("clamped to a lowered max at once").isEqualTo(2);
    }

    @Test
    void aServiceThatStopsAutoscalingFallsBackToItsMinimum() {
        load(Fixtures.definition(1, 3, FAST));
        pods(current(0));
        traffic.inFlight(Map.of("pod-0", 6));
        loop.tick();
        assertThat(replicas()).isEqualTo(3);

        load(Fixtures.definition(1, 3, ""));
        loop.tick();

        assertThat(replicas()).isEqualTo(1);
        assertThat(loop.status("web"))
                .hasValueSatisfying(view -> assertThat(view.enabled()).isFalse());
        assertThat(metrics.forgotten).contains("web");
    }

    @Test
    void theStatusFollowsTheDefinitionInForceBeforeTheFirstTick() {
        load(Fixtures.definition(1, 3, FAST));

        assertThat(loop.status("web"))
                .as("autoscaled from the config load on, not from the loop's next tick")
                .hasValueSatisfying(view -> {
                    assertThat(view.enabled()).isTrue();
                    assertThat(view.lastDecision()).isEmpty();
                });

        load(Fixtures.definition(1, 3, ""));

        assertThat(loop.status("web"))
                .hasValueSatisfying(view -> assertThat(view.enabled()).isFalse());
    }

    @Test
    void whetherAServiceAutoscalesIsDecidedInOnePlaceForTheStatusAndTheRestore() {
        assertThat(loop.autoscales("web")).as("not defined").isFalse();

        load(Fixtures.definition(1, 3, FAST));
        assertThat(loop.autoscales("web")).isTrue();
        assertThat(loop.status("web"))
                .hasValueSatisfying(view -> assertThat(view.enabled()).isTrue());

        load(Fixtures.definition(1, 3, ""));
        assertThat(loop.autoscales("web")).isFalse();
        assertThat(loop.status("web"))
                .hasValueSatisfying(view -> assertThat(view.enabled()).isFalse());
    }

    @Test
    void theStabilizationWindowSavedBesideACountIsTheDefinitionsInForce() {
        assertThat(loop.stabilizationWindow("web")).as("not defined").isZero();

        load(Fixtures.definition(1, 3, FAST));
        assertThat(loop.stabilizationWindow("web")).isZero();

        load(Fixtures.definition(1, 3, FAST.replace("stabilization_window: 0s", "stabilization_window: 45s")));
        assertThat(loop.stabilizationWindow("web")).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void aServiceWithoutSignalsIsNeverTouched() {
        load(Fixtures.definition(1, 3, ""));
        pods(current(0));
        traffic.inFlight(Map.of("pod-0", 50));

        loop.tick();

        assertThat(replicas()).isEqualTo(1);
        assertThat(desired.autoscaledReplicas("web")).isEmpty();
        assertThat(queue.poll()).isEmpty();
        assertThat(autoscaleEvents()).isEmpty();
    }

    @Test
    void aNoChangeIsJournalledOnlyWhenItsReasonChangesAndAtMostOnceAMinute() {
        load(Fixtures.definition(1, 3, FAST));
        pods(current(0));
        traffic.inFlight(Map.of("pod-0", 1));

        for (int i = 0; i < 60; i++) {
            clock.advance(AutoscaleLoop.TICK);
            loop.tick();
        }

        assertThat(replicas()).isEqualTo(1);
        assertThat(autoscaleEvents()).hasSize(1);
    }

    @Test
    void statsAreSampledForTheAutoscaledServicesOnly() {
        load(Fixtures.definition(1, 3, FAST));
        pods(current(0));
        loop.tick();

        loop.sampler().tick();

        assertThat(loop.status("web").orElseThrow().statsUnavailable()).isEmpty();
    }

    @Test
    void aHeldRequestOfAServiceAtZeroStartsAPodAtOnceWithoutWaitingForTheTick() {
        scaledToZero();
        traffic.pending(1);

        loop.activateNow("web"); // no clock advance: not a tick

        assertThat(replicas()).isEqualTo(1);
        assertThat(queue.poll()).contains("web");
        assertThat(autoscaleEvents())
                .extracting(JournalEntry::message)
                .anyMatch(message -> message.startsWith("web: 0 → 1 (up, demand)"));
    }

    @Test
    void theLoopListensToTheProxysActivationsOnceStartedAndDecidesOnItsOwnThread() {
        scaledToZero();
        traffic.pending(1);
        assertThat(traffic.listener).as("not listening before start").isSameAs(ActivationListener.NONE);

        loop.start();
        traffic.listener.activationRequested("web");

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (replicas() != 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(replicas()).as("decided well before the 2 s tick").isEqualTo(1);
        assertThat(loop.activations()).isEqualTo(1);
        loop.close();
        assertThat(traffic.listener).as("close stops listening").isSameAs(ActivationListener.NONE);
    }

    @Test
    void anActivationOfAServiceThatDoesNotAutoscaleChangesNothing() {
        load(Fixtures.definition(0, 3, ""));
        traffic.pending(1);

        loop.activateNow("web");

        assertThat(replicas()).isZero();
        assertThat(autoscaleEvents()).isEmpty();
    }

    /** A service at min 0 behind the proxy that went idle: 0 pods, nothing queued. */
    private void scaledToZero() {
        load(Fixtures.definition(0, 3, FAST.replace("panic_window: 2s,", "panic_window: 2s, idle_period: 10s,")));
        loop.tick(); // new: not idle at once
        clock.advance(Duration.ofSeconds(11));
        loop.tick();
        assertThat(replicas()).as("idle: scaled to 0").isZero();
        queue.poll().ifPresent(key -> queue.done(key, true)); // the earlier decisions' pass
    }

    private void load(ServiceDefinition definition) {
        desired.replace(new DesiredState.Snapshot(
                Map.of(definition.name(), DesiredService.of(definition)), List.of(), clock.instant()));
    }

    private int replicas() {
        return desired.service("web").orElseThrow().replicas();
    }

    private List<JournalEntry> autoscaleEvents() {
        return journal.after(0).stream()
                .filter(entry -> entry.kind().equals("autoscale"))
                .toList();
    }

    private void pods(PodStatus... pods) {
        status.put(
                new ServiceStatus("web", desired.service("web"), List.of(pods), Optional.empty(), 0, clock.instant()));
    }

    private PodStatus current(int number) {
        return pod(number, true);
    }

    private PodStatus outdated(int number) {
        return pod(number, false);
    }

    private PodStatus pod(int number, boolean current) {
        ContainerStatus container = new ContainerStatus(
                "c-" + number,
                "web__pod-" + number + "__main",
                "main",
                "nginx",
                ContainerState.RUNNING,
                0,
                Map.of(),
                List.of(),
                Optional.of(Fixtures.LONG_AGO));
        return new PodStatus(
                "pod-" + number,
                number,
                current ? "hash" : "old",
                current,
                List.of(container),
                Optional.empty(),
                PodHealthStatus.NONE);
    }

    /** The proxy's numbers, set by the test: in-flight per pod (one backend each, port 80), and held requests. */
    private static final class FakeTraffic implements TrafficControl {
        private volatile Map<String, Integer> perPod = Map.of();
        private volatile int pending;
        volatile ActivationListener listener = ActivationListener.NONE;

        void pending(int pending) {
            this.pending = pending;
        }

        @Override
        public void activations(ActivationListener listener) {
            this.listener = listener;
        }

        void inFlight(Map<String, Integer> perPod) {
            this.perPod = Map.copyOf(perPod);
        }

        @Override
        public void publish(RouteTable table) {}

        @Override
        public void drain(Set<String> backendIds, Duration timeout) {}

        @Override
        public Map<String, ServiceTraffic> traffic() {
            List<ServiceTraffic.BackendTraffic> backends = new ArrayList<>();
            perPod.forEach((pod, count) -> backends.add(new ServiceTraffic.BackendTraffic(pod + ":80", pod, count, 0)));
            return Map.of("web", new ServiceTraffic("web", backends, pending, Optional.empty()));
        }
    }

    private static final class RecordingMetrics implements AutoscaleMetrics {
        final List<String> decisions = new ArrayList<>();
        final Map<String, Integer> inFlight = new HashMap<>();
        final List<String> forgotten = new ArrayList<>();

        @Override
        public void decided(ScalingDecision decision) {
            decisions.add(decision.service() + " " + decision.direction().label() + " "
                    + decision.reason().label());
        }

        @Override
        public void observed(String service, int desiredReplicas, int inFlight) {
            this.inFlight.put(service, inFlight);
        }

        @Override
        public void forget(String service) {
            forgotten.add(service);
        }
    }
}
