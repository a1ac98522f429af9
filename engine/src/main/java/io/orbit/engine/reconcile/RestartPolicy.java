package io.orbit.engine.reconcile;

import io.orbit.engine.health.PodVerdict;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodTemplateHash;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A pod in trouble: one whose containers are missing is removed (it may hold host ports its replacement needs); one
 * whose container exited, or that failed liveness, has those containers restarted in place once its slot's back-off
 * allows; one that never became ready within {@code startup_timeout} is replaced under the same back-off. An outdated
 * or adopted pod in trouble is replaced instead of restarted.
 */
final class RestartPolicy {

    private RestartPolicy() {}

    /**
     * What happens to a pod in trouble.
     *
     * @param step what the pass does now, if anything
     * @param stays the pod still counts as coming back (recovering or crash-looping)
     * @param waitUntil when its back-off allows the restart that waits now
     */
    record Decision(Optional<PlanStep> step, boolean stays, Optional<Instant> waitUntil) {}

    /** A pod of the wrong size, or with a container removed. */
    static Optional<PlanStep> incomplete(ObservedPod pod, int podSize) {
        String name = "pod " + pod.podNumber();
        if (pod.expectedSize() != podSize) {
            return Optional.of(new PlanStep.RemovePod(
                    pod, "%s has %d containers, the spec has %d".formatted(name, pod.expectedSize(), podSize)));
        }
        if (pod.containers().size() < pod.expectedSize()) {
            return Optional.of(
                    new PlanStep.RemovePod(pod, name + " " + pod.problem().orElseThrow()));
        }
        return Optional.empty();
    }

    /** @param exited the pod's containers that are not running (empty: health asked for the action) */
    static Decision decide(
            DesiredService target, ObservedPod pod, PodVerdict verdict, List<ObservedContainer> exited, Instant now) {
        String trouble = "pod " + pod.podNumber() + " "
                + (exited.isEmpty()
                        ? verdict.action().orElseThrow().reason()
                        : pod.problem().orElseThrow());
        if (!PodTemplateHash.matches(pod.configHash(), target.configHash())) {
            return gone(new PlanStep.RemovePod(pod, trouble + "; it runs an outdated spec, so it is replaced"));
        }
        if (pod.origin() == ObservedPod.Origin.ADOPTED_ORPHAN) {
            return gone(
                    new PlanStep.RemovePod(pod, trouble + "; it was adopted from an earlier Orbit, so it is replaced"));
        }
        if (now.isBefore(verdict.restartAllowedAt())) {
            return new Decision(Optional.empty(), true, Optional.of(verdict.restartAllowedAt()));
        }
        if (!exited.isEmpty()) {
            return stays(new PlanStep.RestartContainers(pod, exited, trouble, PlanStep.Cause.EXITED));
        }
        if (verdict.action().orElseThrow() instanceof PodVerdict.Action.RestartContainers restart) {
            List<ObservedContainer> failing = pod.containers().stream()
                    .filter(container -> restart.containerIds().contains(container.id()))
                    .toList();
            return stays(new PlanStep.RestartContainers(pod, failing, trouble, PlanStep.Cause.LIVENESS));
        }
        return gone(new PlanStep.RemovePod(pod, trouble, true));
    }

    private static Decision gone(PlanStep step) {
        return new Decision(Optional.of(step), false, Optional.empty());
    }

    private static Decision stays(PlanStep step) {
        return new Decision(Optional.of(step), true, Optional.empty());
    }
}
