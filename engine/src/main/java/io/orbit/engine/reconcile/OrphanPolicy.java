package io.orbit.engine.reconcile;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Pods nobody wants any more: every pod of a service that is no longer defined, and unlabelled leftovers. */
final class OrphanPolicy {

    private OrphanPolicy() {}

    /** The service is no longer defined (its file was deleted or renamed away): every pod goes, lowest slot first. */
    static List<PlanStep> removeAll(String service, List<ObservedPod> observed) {
        return observed.stream()
                .sorted(Comparator.comparingInt(ObservedPod::podNumber))
                .<PlanStep>map(
                        pod -> new PlanStep.RemovePod(pod, "service '%s' is no longer defined".formatted(service)))
                .toList();
    }

    /** A pod an earlier Orbit left without labels is removed, unless the service adopts orphans (then it is ADOPTED). */
    static Optional<PlanStep> unlabelled(ObservedPod pod) {
        if (pod.origin() != ObservedPod.Origin.ORPHAN) {
            return Optional.empty();
        }
        return Optional.of(new PlanStep.RemovePod(
                pod, "pod " + pod.podNumber() + " was left by an earlier Orbit without labels (adopt_orphans: false)"));
    }
}
