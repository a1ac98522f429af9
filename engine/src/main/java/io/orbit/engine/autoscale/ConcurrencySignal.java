package io.orbit.engine.autoscale;

import io.orbit.engine.autoscale.AutoscalePolicy.ConcurrencyTarget;
import io.orbit.engine.autoscale.ScalingDecision.Reading;
import io.orbit.engine.autoscale.ScalingDecision.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/**
 * Knative's KPA on the proxy's in-flight count: the average over a stable window (60 s) and over a panic window
 * (6 s), {@code desired = ceil(average / target)}. Panic starts when the panic window asks for at least
 * {@code panic_threshold} times the ready pods; in panic the recommendation follows the panic window and never
 * drops, and panic ends once the threshold has not been reached for a whole stable window. Not thread-safe: owned by
 * one {@link ServiceAutoscaler}.
 */
final class ConcurrencySignal {

    private static final double EPSILON = 1e-9;

    private record Sample(Instant at, int inFlight) {}

    private final Deque<Sample> samples = new ArrayDeque<>();
    private @Nullable Instant lastOverThreshold;
    private int panicHighWater;

    /** Records this tick's in-flight count; keeps one stable window of samples. */
    void observe(Instant now, int inFlight, ConcurrencyTarget target) {
        samples.addLast(new Sample(now, inFlight));
        Instant horizon = now.minus(target.stableWindow());
        while (!samples.isEmpty() && !samples.peekFirst().at().isAfter(horizon)) {
            samples.removeFirst();
        }
    }

    boolean inPanic() {
        return lastOverThreshold != null;
    }

    Reading recommend(Instant now, int ready, ConcurrencyTarget target) {
        double stable = average(now, target.stableWindow());
        double panic = average(now, target.panicWindow());
        int stableDesired = ceil(stable / target.perPod());
        int panicDesired = ceil(panic / target.perPod());
        // KPA divides by at least one pod, so a service at 0 ready pods panics on the first burst.
        double panicRatio = panic / target.perPod() / Math.max(ready, 1);
        if (panicRatio >= target.panicThreshold()) {
            lastOverThreshold = now;
        } else if (lastOverThreshold != null && !now.isBefore(lastOverThreshold.plus(target.stableWindow()))) {
            lastOverThreshold = null;
            panicHighWater = 0;
        }
        String inputs = "in-flight avg %.2f over %s, %.2f over %s, target %.2f/pod, %d ready"
                .formatted(
                        stable,
                        seconds(target.stableWindow()),
                        panic,
                        seconds(target.panicWindow()),
                        target.perPod(),
                        ready);
        if (inPanic()) {
            panicHighWater = Math.max(panicHighWater, panicDesired);
            return new Reading(
                    Signal.CONCURRENCY,
                    panicHighWater,
                    inputs
                            + "; panic (%.2f × ready ≥ %.1f): ceil(%.2f / %.2f) = %d, never lower in panic"
                                    .formatted(
                                            panicRatio, target.panicThreshold(), panic, target.perPod(), panicDesired));
        }
        return new Reading(
                Signal.CONCURRENCY,
                stableDesired,
                inputs + "; ceil(%.2f / %.2f) = %d".formatted(stable, target.perPod(), stableDesired));
    }

    private double average(Instant now, Duration window) {
        Instant horizon = now.minus(window);
        long count = 0;
        long sum = 0;
        for (Sample sample : samples) {
            if (sample.at().isAfter(horizon)) {
                sum += sample.inFlight();
                count++;
            }
        }
        return count == 0 ? 0 : (double) sum / count;
    }

    private static int ceil(double value) {
        return (int) Math.ceil(value - EPSILON);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
