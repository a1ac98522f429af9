package io.orbit.engine.reconcile;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.health.ExitCause;
import io.orbit.engine.health.PodVerdict;
import io.orbit.engine.netlimit.NetworkLimitSupport;
import io.orbit.engine.state.DesiredService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one pass sees of one service, read at one moment ({@link PassObserver}): the pods in the engine, health's
 * verdict on each (its restart back-off included), exits not reported yet, the rollout, and whether network limits
 * can be enforced. The planner ({@link PassPlanner}) decides from this alone.
 *
 * @param desired the service as the files (and the autoscaler) want it; empty: it is no longer defined
 * @param rollout what the rollout tracker made of these pods (present whenever {@code desired} is)
 * @param networkLimits whether this engine can enforce {@code network_limit}; empty where the pass applies none (no
 *     enforcer wired, as in tests that do not exercise limits)
 * @param preferredVictims pods a scale-down removes first (the autoscaler's choice)
 */
public record Observation(
        String service,
        Optional<DesiredService> desired,
        List<ObservedPod> pods,
        Map<String, PodVerdict> verdicts,
        List<ContainerExit> exits,
        Optional<Rollouts.Progress> rollout,
        Optional<NetworkLimitSupport> networkLimits,
        List<String> preferredVictims,
        Instant now) {

    /** Copies the collections: an observation does not change after the moment it was read. */
    public Observation {
        pods = List.copyOf(pods);
        verdicts = Map.copyOf(verdicts);
        exits = List.copyOf(exits);
        preferredVictims = List.copyOf(preferredVictims);
    }

    /** The spec the pass converges on: the desired one, or the last good one while a failed rollout is rolled back. */
    public Optional<DesiredService> target() {
        return rollout.map(Rollouts.Progress::target).or(() -> desired);
    }

    /** A container exit seen for the first time, with its cause (an OOM kill reported or inferred). */
    public record ContainerExit(ObservedPod pod, ObservedContainer container, Instant finishedAt, ExitCause cause) {
        public ContainerExit {
            requireNonNull(pod, "pod is null");
            requireNonNull(container, "container is null");
            requireNonNull(finishedAt, "finishedAt is null");
            requireNonNull(cause, "cause is null");
        }

        public String describe() {
            return "container '%s' of pod %d %s"
                    .formatted(container.containerName(), pod.podNumber(), cause.description());
        }
    }
}
