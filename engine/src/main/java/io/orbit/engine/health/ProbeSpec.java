package io.orbit.engine.health;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A probe with its schedule once the container is ready.
 *
 * @param period the time between two liveness probes
 * @param failureThreshold consecutive failures after which the container is unhealthy
 */
public record ProbeSpec(Probe probe, Duration period, int failureThreshold) {

    public ProbeSpec {
        requireNonNull(probe, "probe is null");
        requireNonNull(period, "period is null");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be at least 1: " + failureThreshold);
        }
    }
}
