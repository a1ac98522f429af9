package io.orbit.engine.autoscale;

import static io.orbit.engine.autoscale.Fixtures.LONG_AGO;
import static io.orbit.engine.autoscale.Fixtures.latency;
import static io.orbit.engine.autoscale.Fixtures.load;
import static io.orbit.engine.autoscale.Fixtures.pod;
import static io.orbit.engine.autoscale.Fixtures.pods;
import static io.orbit.engine.autoscale.Fixtures.policy;
import static io.orbit.engine.autoscale.Fixtures.starting;
import static io.orbit.engine.autoscale.Fixtures.traffic;
import static io.orbit.engine.autoscale.Fixtures.unsampled;
import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.autoscale.ScalingDecision.Direction;
import io.orbit.engine.autoscale.ScalingDecision.Reason;
import io.orbit.engine.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceAutoscalerTest {

    /** Relative CPU target 50 % of the container's 0.5 CPU: a pod at 25 % of one CPU is exactly on target. */
    private static final String RELATIVE_50 = "resource_thresholds: {cpu_percentage_relative: 50}";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    private ServiceAutoscaler autoscaler(AutoscalePolicy policy) {
        return new ServiceAutoscaler(policy, clock);
    }

    // ---- resource signal ---------------------------------------------------------------------------------

    static Stream<Arguments> resourceCases() {
        Instant young = Instant.parse("2026-01-01T00:00:00Z").minusSeconds(10);
        return Stream.of(
                // name, policy yaml, current, pods, expected recommendation
                Arguments.of(
                        "relative CPU at twice the target of the container's own limit doubles the pods",
                        RELATIVE_50,
                        2,
                        pods(2, 50),
                        4),
                Arguments.of("relative CPU on target holds", RELATIVE_50, 2, pods(2, 25), 2),
                Arguments.of("within the 10 % tolerance holds", RELATIVE_50, 3, pods(3, 27), 3),
                Arguments.of(
                        "host CPU: 4 of 8 CPUs busy per pod is 50 % of the host, twice a 25 % target",
                        "resource_thresholds: {cpu_percentage: 25}", 2, pods(2, 400), 4),
                Arguments.of("an idle service recommends fewer pods", RELATIVE_50, 4, pods(4, 5), 1),
                Arguments.of(
                        "warming and unready pods are left out of the mean, and count as 0 % scaling up",
                        RELATIVE_50, 4, List.of(pod(0, 50), pod(1, 50), pod(2, 50), starting(3, young, true, 500)), 6),
                Arguments.of(
                        "an unready pod's sample is not used",
                        RELATIVE_50,
                        2,
                        List.of(pod(0, 50), starting(1, LONG_AGO, false, 500)),
                        2),
                Arguments.of(
                        "missing samples count as 0 % on a scale-up, which here turns it into a hold",
                        RELATIVE_50, 4, List.of(pod(0, 50), pod(1, 50), unsampled(2), unsampled(3)), 4),
                Arguments.of(
                        "missing samples count as 100 % on a scale-down",
                        RELATIVE_50, 4, List.of(pod(0, 5), pod(1, 5), unsampled(2), unsampled(3)), 3),
                Arguments.of(
                        "more than scale_down_threshold_percentage of pods over a threshold holds a scale-down",
                        RELATIVE_50,
                        5,
                        List.of(pod(0, 25.25), pod(1, 25.25), pod(2, 25.25), pod(3, 0), pod(4, 0)),
                        5),
                Arguments.of(
                        "a higher scale_down_threshold_percentage lets it through",
                        RELATIVE_50 + "\nscaling_policy: {scale_down_threshold_percentage: 75}",
                        5,
                        List.of(pod(0, 25.25), pod(1, 25.25), pod(2, 25.25), pod(3, 0), pod(4, 0)),
                        4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resourceCases")
    void recommendsFromTheResourceRatio(String name, String yaml, int current, List<PodSample> pods, int expected) {
        ServiceAutoscaler autoscaler = autoscaler(policy(0, 20, yaml));

        ScalingDecision decision = autoscaler.decide(load(current, pods));

        assertThat(decision.explanation().recommended()).as(decision.describe()).isEqualTo(expected);
    }

    @Test
    void measuresRelativeCpuAgainstTheContainersOwnLimitNotTheHosts() {
        // Orbit's bug (§5.3): (abs / ncpu) / limit made 0.02 CPU on 8 cores "exceed" a 30 % relative threshold.
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 10, "resource_thresholds: {cpu_percentage_relative: 30}"));

        ScalingDecision decision = autoscaler.decide(load(2, pods(2, 2)));

        assertThat(decision.direction()).isNotEqualTo(Direction.UP);
        assertThat(decision.explanation().recommended()).isEqualTo(1);
    }

    @Test
    void foldsTheContainersOfAPodByMetricsStrategy() {
        String two = "resource_thresholds: {cpu_percentage_relative: 50, metrics_strategy: %s}";
        List<PodSample> pods = List.of(twoContainerPod(0), twoContainerPod(1));

        int byMax = autoscaler(Fixtures.twoContainerPolicy(two.formatted("max")))
                .decide(load(2, pods))
                .explanation()
                .recommended();
        int byAverage = autoscaler(Fixtures.twoContainerPolicy(two.formatted("average")))
                .decide(load(2, pods))
                .explanation()
                .recommended();

        assertThat(byMax).as("max: the hot container (ratio 3) decides").isEqualTo(6);
        assertThat(byAverage).as("average: (3 + 1) / 2 = 2").isEqualTo(4);
    }

    private static PodSample twoContainerPod(int number) {
        return new PodSample(
                "pod-" + number,
                number,
                true,
                LONG_AGO,
                0,
                List.of(new ContainerSample("main", 75, 0.5, 1, 100), new ContainerSample("side", 25, 0.5, 1, 100)));
    }

    @Test
    void skipsTheResourceSignalWhenTheHostHasNoStats() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 10, RELATIVE_50));

        ScalingDecision decision =
                autoscaler.decide(new ServiceLoad("web", 2, pods(2, 50), 0, 0, true, Optional.empty(), false));

        assertThat(decision.desiredReplicas()).isEqualTo(2);
        assertThat(decision.reason()).isEqualTo(Reason.NO_DATA);
        assertThat(decision.explanation().notes()).anyMatch(note -> note.contains("stats unavailable"));
    }

    @Test
    void neverAutoscalesWithoutASignal() {
        ScalingDecision decision = autoscaler(policy(1, 10, "")).decide(traffic(2, pods(2, 90), 500));

        assertThat(decision.desiredReplicas()).isEqualTo(2);
        assertThat(decision.reason()).isEqualTo(Reason.DISABLED);
    }

    // ---- CoDel ----------------------------------------------------------------------------------------------

    private static final String CODEL = "codel: {target: 100ms, interval: 1s, scale_cooldown: 30s}";

    @Test
    void codelBoostsAfterConsecutiveIntervalsAboveTarget() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 10, CODEL));
        List<Integer> desired = new ArrayList<>();

        for (int second = 0; second <= 3; second++) {
            desired.add(autoscaler
                    .decide(latency(2, pods(2, 10), Duration.ofMillis(150), 50))
                    .desiredReplicas());
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(desired).containsExactly(2, 2, 2, 3);
    }

    @Test
    void codelRestartsItsCountWhenLatencyDropsBelowTarget() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 10, CODEL));
        List<Duration> minima = List.of(150, 150, 50, 150, 150, 150).stream()
                .map(Duration::ofMillis)
                .toList();
        List<Integer> desired = new ArrayList<>();

        for (Duration minimum : minima) {
            desired.add(autoscaler.decide(latency(2, pods(2, 10), minimum, 50)).desiredReplicas());
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(desired).containsExactly(2, 2, 2, 2, 2, 2);
    }

    @Test
    void codelBoostsAtMostOncePerScaleCooldownByMaxScaleStep() {
        ServiceAutoscaler autoscaler = autoscaler(
                policy(1, 20, "codel: {target: 100ms, interval: 1s, scale_cooldown: 30s, max_scale_step: 2}"));
        List<ScalingDecision> boosts = new ArrayList<>();

        for (int second = 0; second < 40; second++) {
            ScalingDecision decision = autoscaler.decide(latency(2, pods(2, 10), Duration.ofMillis(150), 50));
            if (decision.reason() == Reason.CODEL && decision.changes()) {
                boosts.add(decision);
            }
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(boosts).extracting(ScalingDecision::desiredReplicas).containsExactly(4, 4);
        assertThat(Duration.between(boosts.get(0).at(), boosts.get(1).at())).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void codelNeedsTenRequestsOfEvidence() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 10, CODEL));

        for (int second = 0; second <= 5; second++) {
            assertThat(autoscaler
                            .decide(latency(2, pods(2, 10), Duration.ofMillis(900), 9))
                            .desiredReplicas())
                    .isEqualTo(2);
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void codelWithoutTrafficNeverScalesAHotServiceDown() {
        // Orbit §5.5: CoDel's "no traffic in the interval" scaled down before the resource test was reached.
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 10, CODEL + "\n" + RELATIVE_50));

        ScalingDecision decision = autoscaler.decide(load(2, pods(2, 50)));

        assertThat(decision.desiredReplicas()).isEqualTo(4);
        assertThat(decision.reason()).isEqualTo(Reason.RESOURCE);
    }

    @Test
    void codelWithoutTrafficHoldsTheServiceForever() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 10, CODEL));

        for (int minute = 0; minute < 30; minute++) {
            assertThat(autoscaler.decide(load(3, pods(3, 1))).desiredReplicas()).isEqualTo(3);
            clock.advance(Duration.ofMinutes(1));
        }
    }

    @Test
    void codelAboveTargetVetoesAResourceScaleDown() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 10, CODEL + "\n" + RELATIVE_50));
        clock.advance(Duration.ofMinutes(10));

        ScalingDecision decision = autoscaler.decide(latency(4, pods(4, 1), Duration.ofMillis(150), 50));

        assertThat(decision.desiredReplicas()).isEqualTo(4);
    }

    // ---- concurrency ----------------------------------------------------------------------------------------

    private static final String CONCURRENCY = "autoscaling: {concurrency_target: 10}";

    @Test
    void followsTheStableWindowAverage() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 20, CONCURRENCY));
        ScalingDecision decision = null;

        for (int tick = 0; tick < 30; tick++) {
            decision = autoscaler.decide(traffic(3, pods(3, 10), 35));
            clock.advance(Duration.ofSeconds(2));
        }

        assertThat(decision.desiredReplicas()).isEqualTo(4);
        assertThat(decision.reason()).isEqualTo(Reason.CONCURRENCY);
        assertThat(decision.explanation().panic()).isFalse();
    }

    @Test
    void panicsOnABurstAndFollowsThePanicWindow() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 20, CONCURRENCY));
        for (int tick = 0; tick < 30; tick++) {
            autoscaler.decide(traffic(2, pods(2, 10), 10));
            clock.advance(Duration.ofSeconds(2));
        }
        List<ScalingDecision> burst = new ArrayList<>();

        for (int tick = 0; tick < 2; tick++) {
            burst.add(autoscaler.decide(traffic(2, pods(2, 10), 60)));
            clock.advance(Duration.ofSeconds(2));
        }

        // panic window (6 s) after one burst tick: (10 + 10 + 60) / 3 / 10 = 2.67 pods, 1.33 × ready: no panic;
        // after two: (10 + 60 + 60) / 3 / 10 = 4.33 pods, 2.17 × ready ≥ 2: panic, and the stable window says 2.
        assertThat(burst.get(0).explanation().panic()).isFalse();
        assertThat(burst.get(0).desiredReplicas()).isEqualTo(2);
        assertThat(burst.get(1).explanation().panic())
                .as(burst.get(1).describe())
                .isTrue();
        assertThat(burst.get(1).reason()).isEqualTo(Reason.PANIC);
        assertThat(burst.get(1).desiredReplicas()).isEqualTo(5);
    }

    @Test
    void neverScalesDownInPanicAndLeavesPanicAfterAStableWindowBelowThreshold() {
        ServiceAutoscaler autoscaler = autoscaler(policy(
                1,
                20,
                "autoscaling: {concurrency_target: 10, stable_window: 60s, scale_down: {stabilization_window: 0s}}"));
        for (int tick = 0; tick < 4; tick++) {
            autoscaler.decide(traffic(1, pods(1, 10), 100));
            clock.advance(Duration.ofSeconds(2));
        }
        Instant lastBurst = clock.instant().minusSeconds(2);
        List<ScalingDecision> after = new ArrayList<>();

        for (int tick = 0; tick < 40; tick++) {
            after.add(autoscaler.decide(traffic(12, pods(12, 10), 0)));
            clock.advance(Duration.ofSeconds(2));
        }

        List<ScalingDecision> inPanic =
                after.stream().filter(d -> d.explanation().panic()).toList();
        assertThat(inPanic).isNotEmpty().allSatisfy(decision -> {
            assertThat(decision.direction()).isEqualTo(Direction.NONE);
            assertThat(decision.reason()).isEqualTo(Reason.PANIC);
        });
        ScalingDecision firstCalm = after.get(inPanic.size());
        assertThat(firstCalm.explanation().panic()).isFalse();
        assertThat(firstCalm.at()).isEqualTo(lastBurst.plusSeconds(60));
        assertThat(firstCalm.direction()).isEqualTo(Direction.DOWN);
    }

    // ---- stabilisation and rate limits --------------------------------------------------------------------------

    @Test
    void doesNotFlapOnAnOscillatingLoad() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 10, RELATIVE_50));
        int current = 2;
        List<Direction> directions = new ArrayList<>();

        for (int tick = 0; tick < 60; tick++) {
            double cpu = (tick / 3) % 2 == 0 ? 50 : 5; // hot for 30 s, idle for 30 s
            ScalingDecision decision = autoscaler.decide(load(current, pods(current, cpu)));
            if (decision.changes()) {
                directions.add(decision.direction());
            }
            current = decision.desiredReplicas();
            clock.advance(Duration.ofSeconds(10));
        }

        assertThat(directions).doesNotContain(Direction.DOWN).isNotEmpty();
    }

    @Test
    void scalesDownOnlyAfterTheStabilisationWindow() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 10, RELATIVE_50));
        autoscaler.decide(load(4, pods(4, 25)));
        Instant lastHot = clock.instant();
        ScalingDecision decision;
        do {
            clock.advance(Duration.ofSeconds(10));
            decision = autoscaler.decide(load(4, pods(4, 2)));
        } while (!decision.changes());

        assertThat(Duration.between(lastHot, decision.at())).isGreaterThan(Duration.ofMinutes(5));
        assertThat(decision.direction()).isEqualTo(Direction.DOWN);
    }

    @Test
    void scalesUpByAtMostMaxOfFourPodsAndOneHundredPercentPerFifteenSeconds() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 50, CONCURRENCY));
        int current = 1;
        List<Integer> counts = new ArrayList<>();

        for (int tick = 0; tick < 10; tick++) {
            current =
                    autoscaler.decide(traffic(current, pods(current, 10), 1000)).desiredReplicas();
            counts.add(current);
            clock.advance(Duration.ofMillis(7500));
        }

        assertThat(counts).containsExactly(5, 5, 10, 10, 20, 20, 40, 40, 50, 50);
    }

    @Test
    void scalesDownByAtMostMaxOfOnePodAndHalfPerCooldown() {
        ServiceAutoscaler autoscaler =
                autoscaler(policy(1, 20, RELATIVE_50 + "\nautoscaling: {scale_down: {stabilization_window: 0s}}"));
        int current = 10;
        List<Integer> counts = new ArrayList<>();

        for (int tick = 0; tick < 8; tick++) {
            clock.advance(Duration.ofSeconds(30));
            current = autoscaler.decide(load(current, pods(current, 1))).desiredReplicas();
            counts.add(current);
        }

        assertThat(counts).containsExactly(5, 5, 2, 2, 1, 1, 1, 1);
    }

    // ---- bounds ---------------------------------------------------------------------------------------------

    @Test
    void scalesUpFromZeroOnAWaitingRequest() {
        ServiceAutoscaler autoscaler = autoscaler(policy(0, 3, CONCURRENCY));

        ScalingDecision decision =
                autoscaler.decide(new ServiceLoad("web", 0, List.of(), 0, 1, true, Optional.empty(), true));

        assertThat(decision.desiredReplicas()).isEqualTo(1);
        assertThat(decision.reason()).isEqualTo(Reason.DEMAND);
    }

    @Test
    void goesToZeroAfterTheIdlePeriodAndComesBack() {
        ServiceAutoscaler autoscaler = autoscaler(policy(0, 3, CONCURRENCY));
        int current = 1;
        Instant start = clock.instant();
        while (current > 0) {
            current = autoscaler.decide(traffic(current, pods(current, 1), 0)).desiredReplicas();
            clock.advance(Duration.ofSeconds(10));
        }
        Duration toZero = Duration.between(start, clock.instant());

        ScalingDecision wake =
                autoscaler.decide(new ServiceLoad("web", 0, List.of(), 0, 3, true, Optional.empty(), true));

        assertThat(toZero).isGreaterThanOrEqualTo(Duration.ofMinutes(5));
        assertThat(wake.desiredReplicas()).isEqualTo(1);
    }

    @Test
    void keepsOnePodOfABusyServiceAtMinZero() {
        ServiceAutoscaler autoscaler = autoscaler(policy(0, 3, CONCURRENCY));

        for (int tick = 0; tick < 100; tick++) {
            assertThat(autoscaler.decide(traffic(1, pods(1, 1), 1)).desiredReplicas())
                    .isEqualTo(1);
            clock.advance(Duration.ofSeconds(10));
        }
    }

    @Test
    void neverExceedsMax() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 4, CONCURRENCY + "\n" + CODEL));

        for (int tick = 0; tick < 20; tick++) {
            ScalingDecision decision = autoscaler.decide(new ServiceLoad(
                    "web",
                    4,
                    pods(4, 10),
                    5000,
                    0,
                    true,
                    Optional.of(new LatencyWindow(Duration.ofSeconds(2), 99)),
                    true));
            assertThat(decision.desiredReplicas()).isEqualTo(4);
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void clampsToMaxWithTheReason() {
        ScalingDecision decision = autoscaler(policy(1, 4, CONCURRENCY)).decide(traffic(2, pods(2, 10), 20_000));

        assertThat(decision.desiredReplicas()).isEqualTo(4);
        assertThat(decision.reason()).isEqualTo(Reason.MAX);
        assertThat(decision.explanation().clamped()).isEqualTo(4);
    }

    // ---- reload ---------------------------------------------------------------------------------------------

    @Test
    void takesANewMaxOnReload() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 3, CONCURRENCY));
        assertThat(autoscaler.decide(traffic(3, pods(3, 10), 100)).desiredReplicas())
                .isEqualTo(3);

        autoscaler.update(policy(1, 6, CONCURRENCY));
        clock.advance(Duration.ofSeconds(2));

        assertThat(autoscaler.decide(traffic(3, pods(3, 10), 100)).desiredReplicas())
                .isEqualTo(6);
    }

    @Test
    void dropsToANewlyLoweredMaxAtOnce() {
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 8, CONCURRENCY));
        autoscaler.decide(traffic(8, pods(8, 10), 80));

        autoscaler.update(policy(1, 5, CONCURRENCY));
        ScalingDecision decision = autoscaler.decide(traffic(8, pods(8, 10), 80));

        assertThat(decision.desiredReplicas()).isEqualTo(5);
        assertThat(decision.reason()).isEqualTo(Reason.MAX);
    }

    @Test
    void takesANewCodelTargetOnReload() {
        // Orbit froze the CoDel config at first use (§5.7).
        ServiceAutoscaler autoscaler = autoscaler(policy(1, 10, CODEL));
        autoscaler.update(policy(1, 10, CODEL.replace("100ms", "200ms")));

        for (int second = 0; second <= 5; second++) {
            assertThat(autoscaler
                            .decide(latency(2, pods(2, 10), Duration.ofMillis(150), 50))
                            .desiredReplicas())
                    .isEqualTo(2);
            clock.advance(Duration.ofSeconds(1));
        }
    }
}
