package io.orbit.engine.reconcile;

import java.time.Duration;

/** Capped exponential back-off: 1 s, 2 s, 4 s … up to 5 min, as Kubernetes' controllers do. */
public record RetryBackoff(Duration first, Duration max) {

    public static final RetryBackoff DEFAULT = new RetryBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    /** The delay before retry number {@code failures} (1 for the first failure). */
    public Duration delayAfter(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - 1, 30);
        Duration delay = first.multipliedBy(1L << doublings);
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
