package io.orbit.engine.reconcile;

import io.orbit.engine.health.PodVerdict;
import io.orbit.engine.state.DesiredService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Replaces the pods of an outdated spec, within {@code max_surge} and {@code max_unavailable}. */
final class RolloutPolicy {

    private RolloutPolicy() {}

    /**
     * A rolling update (Orbit's {@code rolling_update_config}, done right): up to {@code max_surge} new pods start
     * beyond the replica count; an old pod is drained and removed only once a ready new pod stands in for it — so the
     * ready pods never drop below the replica count, and a new spec that never gets ready never costs an old pod — at
     * most {@code max_unavailable} per pass. Unready old pods serve nobody and go first, once the ready pods cover the
     * replicas without them (after a daemon restart, "unready" is "not probed yet" until the first probes). With {@code max_surge: 0}
     * there is no room to start first, so {@code max_unavailable} old pods go before their successors start. Each pass
     * moves as far as that allows; readiness changes and the resync bring the next one.
     */
    static void rollOut(
            DesiredService target,
            Triage triage,
            List<ObservedPod> outdated,
            Map<String, PodVerdict> verdicts,
            Set<Integer> taken,
            List<PlanStep> steps) {
        List<ObservedPod> serving = triage.serving();
        int recovering = triage.recovering().size();
        int looping = triage.looping().size();
        int wanted = target.replicas();
        int maxSurge = Rollouts.maxSurge(target);
        int maxUnavailable = Rollouts.maxUnavailable(target);
        List<ObservedPod> fresh =
                serving.stream().filter(pod -> !outdated.contains(pod)).toList();
        long readyNew = fresh.stream()
                .filter(pod -> ServiceReconciler.ready(pod, verdicts))
                .count();
        long readyOld = outdated.stream()
                .filter(pod -> ServiceReconciler.ready(pod, verdicts))
                .count();
        long keep = maxSurge > 0 ? wanted : Math.max(1, wanted - maxUnavailable);
        long removable = Math.min(Math.max(0, readyNew + readyOld - keep), Math.max(1, maxUnavailable));
        List<ObservedPod> order = removalOrder(outdated, verdicts);
        // An unready old pod serves nobody, so it may go first, but only while the ready pods cover the replicas
        // without it: unready may mean "not probed yet" (after a daemon restart every pod is, for a second or two),
        // and then removing it would drop the service below its replicas.
        boolean readyCoverKeep = readyNew + readyOld >= keep;
        int removed = 0;
        for (ObservedPod pod : order) {
            boolean isReady = ServiceReconciler.ready(pod, verdicts);
            if (!isReady && !readyCoverKeep) {
                continue;
            }
            if (isReady && removable == 0) {
                break;
            }
            if (isReady) {
                removable--;
            }
            removed++;
            taken.remove(pod.podNumber()); // removed before the starts below, so its slot is free for a successor
            steps.add(new PlanStep.RemovePod(
                    pod,
                    "pod %d runs an outdated spec: %d of %d new pods ready (max_surge %d, max_unavailable %d)"
                            .formatted(pod.podNumber(), readyNew, wanted, maxSurge, maxUnavailable)));
        }
        int updated = fresh.size() + recovering;
        int remainingOld = outdated.size() - removed;
        int toStart = Math.max(0, Math.min(wanted - updated, wanted + maxSurge - updated - remainingOld - looping));
        for (int slot : ServiceReconciler.freeSlots(taken, toStart)) {
            steps.add(new PlanStep.StartPod(
                    slot,
                    "rolling out: %d of %d pods on the new spec (max_surge %d, max_unavailable %d)"
                            .formatted(updated, wanted, maxSurge, maxUnavailable)));
        }
    }

    /** Unready old pods first (they serve nobody), then the ready ones; highest slot first within each. */
    private static List<ObservedPod> removalOrder(List<ObservedPod> outdated, Map<String, PodVerdict> verdicts) {
        List<ObservedPod> order = new ArrayList<>(outdated.stream()
                .filter(pod -> !ServiceReconciler.ready(pod, verdicts))
                .sorted(Comparator.comparingInt(ObservedPod::podNumber).reversed())
                .toList());
        outdated.stream()
                .filter(pod -> ServiceReconciler.ready(pod, verdicts))
                .sorted(Comparator.comparingInt(ObservedPod::podNumber).reversed())
                .forEach(order::add);
        return order;
    }
}
