package io.orbit.engine.autoscale;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The proxy's view of a service's request latency over the last {@code codel.interval}: CoDel looks at the minimum,
 * because a minimum above target means even the luckiest request queued (a standing queue), not a slow outlier.
 *
 * @param minimum the lowest request latency (proxy sojourn, to the first response byte) in the interval
 * @param requests how many requests finished in the interval
 */
public record LatencyWindow(Duration minimum, int requests) {

    public LatencyWindow {
        requireNonNull(minimum, "minimum is null");
        if (requests < 0) {
            throw new IllegalArgumentException("requests is negative: " + requests);
        }
    }
}
