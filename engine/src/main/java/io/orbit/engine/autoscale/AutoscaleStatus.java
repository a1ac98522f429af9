package io.orbit.engine.autoscale;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The autoscaler's part of a service's {@code /status}.
 *
 * @param enabled the service has a signal configured ({@code resource_thresholds}, {@code codel} or {@code
 *     autoscaling.concurrency_target})
 * @param desiredReplicas the count in force now (a pin's, the autoscaler's, or the minimum; clamped to [min, max])
 * @param pinnedReplicas the count {@code orbit scale N} pinned, while a pin overrides the autoscaler
 * @param lastDecision the last decision that changed the count, or the last one held back
 * @param heldBack why the last decision was not applied (a rollout in progress), if it was not
 * @param statsUnavailable why the runtime has no CPU/memory stats here; the autoscaler then uses only proxy signals
 */
public record AutoscaleStatus(
        boolean enabled,
        int desiredReplicas,
        Optional<Integer> pinnedReplicas,
        Optional<ScalingDecision> lastDecision,
        Optional<String> heldBack,
        Optional<String> statsUnavailable) {

    public AutoscaleStatus {
        requireNonNull(pinnedReplicas, "pinnedReplicas is null");
        requireNonNull(lastDecision, "lastDecision is null");
        requireNonNull(heldBack, "heldBack is null");
        requireNonNull(statsUnavailable, "statsUnavailable is null");
    }
}
