package io.orbit.engine.autoscale;

import io.orbit.engine.autoscale.AutoscalePolicy.CodelTarget;
import io.orbit.engine.autoscale.ScalingDecision.Reading;
import io.orbit.engine.autoscale.ScalingDecision.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Orbit's CoDel scaler kept as a booster (DESIGN-NOTES §4.3): when the minimum latency of every interval stayed above
 * target for {@code consecutive_intervals} intervals, it asks for {@code max_scale_step} pods more than are ready, at
 * most once per {@code scale_cooldown}; while the latency is above target it holds the current count. It never asks for
 * fewer pods: Orbit's "no traffic ⇒ scale down" scaled hot services down (§5.5). Unlike Orbit's window it reads its
 * config on every tick, so a reload takes effect, and it dies with its {@link ServiceAutoscaler} (§5.7).
 * Not thread-safe: owned by one {@link ServiceAutoscaler}.
 */
final class CodelBooster {

    /** Orbit's rule: fewer than 10 requests in the interval are no evidence of a queue (§5.7). */
    static final int MIN_REQUESTS = 10;

    private @Nullable Instant firstAbove;
    private @Nullable Instant lastBoost;

    Optional<Reading> recommend(
            Instant now, Optional<LatencyWindow> latency, int ready, int current, CodelTarget codel) {
        if (latency.isEmpty() || latency.get().requests() < MIN_REQUESTS) {
            firstAbove = null;
            return Optional.empty();
        }
        Duration minimum = latency.get().minimum();
        if (minimum.compareTo(codel.target()) <= 0) {
            firstAbove = null;
            return Optional.empty();
        }
        if (firstAbove == null) {
            firstAbove = now;
        }
        Duration above = Duration.between(firstAbove, now);
        Duration needed = codel.interval().multipliedBy(codel.consecutiveIntervals());
        String inputs = "min latency %dms > target %dms for %dms (boost after %dms), %d requests"
                .formatted(
                        minimum.toMillis(),
                        codel.target().toMillis(),
                        above.toMillis(),
                        needed.toMillis(),
                        latency.get().requests());
        boolean cooledDown = lastBoost == null || !now.isBefore(lastBoost.plus(codel.scaleCooldown()));
        if (above.compareTo(needed) >= 0 && cooledDown) {
            lastBoost = now;
            firstAbove = now;
            int boosted = ready + codel.maxScaleStep();
            return Optional.of(new Reading(
                    Signal.CODEL,
                    boosted,
                    inputs + "; %d ready + max_scale_step %d = %d".formatted(ready, codel.maxScaleStep(), boosted)));
        }
        return Optional.of(
                new Reading(Signal.CODEL, current, inputs + (cooledDown ? "; hold" : "; hold (scale_cooldown)")));
    }

    /** Forgets the state when the {@code codel} block is removed. */
    void reset() {
        firstAbove = null;
        lastBoost = null;
    }
}
