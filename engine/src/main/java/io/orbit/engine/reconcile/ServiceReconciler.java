package io.orbit.engine.reconcile;

import io.orbit.engine.health.PodVerdict;
import io.orbit.engine.state.DesiredService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides what one pass does to the pods of one service: a pure function of the desired service, the observed pods,
 * health's verdict on each pod, and the time. It composes small policies, each table-tested through this class: {@link
 * OrphanPolicy} (rules 1 and 2), {@link Triage} with {@link RestartPolicy} (3 and 4), {@link ScalePolicy} (5 and 7) and
 * {@link RolloutPolicy} (6).
 *
 * <p>The rules, in the order their steps are applied:
 *
 * <ol>
 *   <li>No desired service (file deleted or renamed away): remove every pod.
 *   <li>Unlabelled pods an earlier Orbit left behind are removed, unless the service adopts orphans.
 *   <li>Incomplete pods (a container was removed, or the pod has the wrong size) are removed: they may hold host ports
 *       their replacements need.
 *   <li>A pod whose container exited, or that health found failing liveness, has those containers restarted in place
 *       — once its slot's back-off allows; until then it waits, and the plan says when to look again. A pod that never
 *       became ready within {@code startup_timeout} is replaced, under the same back-off. Such pods still count as
 *       running (they are coming back), except crash-looping ones. An outdated or adopted pod in trouble is replaced
 *       instead of restarted.
 *   <li>Too few running pods: start the missing ones in the lowest free slots, never more pods in all than {@code
 *       max}: a crash-looping pod stays (retried at the back-off cap) while a replacement serves beside it.
 *   <li>Some pods run an outdated spec: a rolling update ({@link RolloutPolicy}) — new pods within {@code replicas +
 *       max_surge}, old pods removed only while enough pods stay ready ({@code max_unavailable}, never below one).
 *   <li>Too many: remove the surplus, outdated pods first, then the preferred victims (the autoscaler's choice: the
 *       pods with the fewest requests in flight), then the highest slots. Crash-looping pods are removed only when
 *       they no longer fit within {@code max} or the service is scaled to zero.
 * </ol>
 */
public final class ServiceReconciler {

    private ServiceReconciler() {}

    /** The plan when health knows nothing against any pod and every back-off has expired. */
    public static Plan plan(String service, Optional<DesiredService> desired, List<ObservedPod> observed) {
        return plan(service, desired, observed, Map.of(), Instant.EPOCH);
    }

    public static Plan plan(
            String service,
            Optional<DesiredService> desired,
            List<ObservedPod> observed,
            Map<String, PodVerdict> verdicts,
            Instant now) {
        return plan(service, desired, observed, verdicts, now, List.of());
    }

    /**
     * @param preferredVictims pod ids to remove first among the surplus pods of the current spec, in order (outdated
     *     pods still go before them); ids of pods that are not surplus candidates are ignored
     */
    public static Plan plan(
            String service,
            Optional<DesiredService> desired,
            List<ObservedPod> observed,
            Map<String, PodVerdict> verdicts,
            Instant now,
            List<String> preferredVictims) {
        if (desired.isEmpty()) {
            return new Plan(service, OrphanPolicy.removeAll(service, observed));
        }
        DesiredService target = desired.get();
        Triage triage = new Triage(target, verdicts, now);
        for (ObservedPod pod : sortedBySlot(observed)) {
            triage.add(pod);
        }
        List<PlanStep> steps = new ArrayList<>(triage.steps());
        ScalePolicy.plan(target, triage, verdicts, preferredVictims, steps);
        return new Plan(service, steps, triage.recheckAt());
    }

    private static List<ObservedPod> sortedBySlot(List<ObservedPod> pods) {
        return pods.stream()
                .sorted(Comparator.comparingInt(ObservedPod::podNumber))
                .toList();
    }

    static boolean ready(ObservedPod pod, Map<String, PodVerdict> verdicts) {
        return verdicts.getOrDefault(pod.podId(), PodVerdict.FINE).ready();
    }

    static List<Integer> freeSlots(Set<Integer> taken, int count) {
        TreeSet<Integer> free = new TreeSet<>();
        for (int slot = 0; free.size() < count; slot++) {
            if (!taken.contains(slot)) {
                free.add(slot);
            }
        }
        return List.copyOf(free);
    }
}
