package io.orbit.engine.autoscale;

import static io.orbit.engine.autoscale.Fixtures.load;
import static io.orbit.engine.autoscale.Fixtures.pods;
import static io.orbit.engine.autoscale.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.autoscale.ScalingDecision.Reason;
import io.orbit.engine.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: after a daemon restart the autoscaler starts with no history. The count it starts from (kept by the state
 * store, or the running pods without state) is not scaled down before one full stabilisation window of fresh data.
 */
class RestartWindowTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T12:00:00Z"));

    @Test
    void anIdleServiceAtThreeIsNotScaledDownBeforeAFullWindowOfFreshData() {
        AutoscalePolicy policy = policy(
                1,
                5,
                "resource_thresholds: {cpu_percentage_relative: 50}\n"
                        + "autoscaling: {scale_down: {stabilization_window: 60s}}");
        ServiceAutoscaler restarted = new ServiceAutoscaler(policy, clock);
        Duration window = policy.stabilizationWindow();
        assertThat(window).isEqualTo(Duration.ofSeconds(60));
        int current = 3;
        Duration elapsed = Duration.ZERO;
        while (elapsed.compareTo(window) < 0) {
            ScalingDecision decision = restarted.decide(load(current, pods(current, 1)));
            assertThat(decision.desiredReplicas())
                    .as("at %s after the restart", elapsed)
                    .isEqualTo(3);
            assertThat(decision.reason()).isEqualTo(Reason.STABILIZING);
            clock.advance(Duration.ofSeconds(2));
            elapsed = elapsed.plusSeconds(2);
        }
        // A full window of fresh, idle data: now it may scale down.
        clock.advance(Duration.ofSeconds(2));
        assertThat(restarted.decide(load(current, pods(current, 1))).desiredReplicas())
                .isLessThan(3);
    }
}
