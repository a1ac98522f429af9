package io.orbit.engine.reconcile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides what one pass does for one service: a pure function of the desired service and the observed pods.
 *
 * <p>The rules, in the order their steps are applied:
 *
 * <ol>
 *   <li>No desired service (file deleted or renamed away): remove every pod.
 *   <li>Unlabelled pods an earlier Orbit left behind are removed, unless the service adopts orphans.
 *   <li>Broken pods (a container exited, was removed, or the pod is incomplete) are removed first: they may hold
 *       host ports their replacements need.
 *   <li>Too few running pods: start the missing ones in the lowest free slots.
 *   <li>Exactly enough but some run an outdated spec: start one new pod (a surge of one) — the next pass, seeing one
 *       pod too many, removes an outdated one. So a changed spec replaces pods one at a time, new before old.
 *   <li>Too many: remove the surplus, outdated pods first, then the highest slots.
 * </ol>
 */
public final class ServiceReconciler {

    private ServiceReconciler() {}

    public static Plan plan(String service, Optional<DesiredService> desired, List<ObservedPod> observed) {
        List<PlanStep> steps = new ArrayList<>();
        if (desired.isEmpty()) {
            observed.stream()
                    .sorted(Comparator.comparingInt(ObservedPod::podNumber))
                    .forEach(pod -> steps.add(
                            new PlanStep.RemovePod(pod, "service '%s' is no longer defined".formatted(service))));
            return new Plan(service, steps);
        }
        DesiredService target = desired.get();
        List<ObservedPod> healthy = new ArrayList<>();
        for (ObservedPod pod : sortedBySlot(observed)) {
            if (pod.origin() == ObservedPod.Origin.ORPHAN) {
                steps.add(new PlanStep.RemovePod(
                        pod,
                        "pod %d was left by an earlier Orbit without labels (adopt_orphans: false)"
                                .formatted(pod.podNumber())));
                continue;
            }
            Optional<String> problem = pod.expectedSize() == target.podSize()
                    ? pod.problem()
                    : Optional.of("has %d containers, the spec has %d".formatted(pod.expectedSize(), target.podSize()));
            if (problem.isPresent()) {
                steps.add(new PlanStep.RemovePod(pod, "pod " + pod.podNumber() + " " + problem.get()));
            } else {
                healthy.add(pod);
            }
        }
        List<ObservedPod> outdated = healthy.stream()
                .filter(pod -> !pod.configHash().equals(target.configHash()))
                .toList();
        int running = healthy.size();
        int wanted = target.replicas();
        if (running < wanted) {
            Set<Integer> taken = healthy.stream().map(ObservedPod::podNumber).collect(Collectors.toSet());
            for (int slot : freeSlots(taken, wanted - running)) {
                steps.add(new PlanStep.StartPod(slot, "%d of %d pods running".formatted(running, wanted)));
            }
        } else if (running == wanted && !outdated.isEmpty()) {
            Set<Integer> taken = healthy.stream().map(ObservedPod::podNumber).collect(Collectors.toSet());
            steps.add(new PlanStep.StartPod(
                    freeSlots(taken, 1).get(0),
                    "%d pod(s) run an outdated spec: replacing one at a time, new before old"
                            .formatted(outdated.size())));
        } else if (running > wanted) {
            List<ObservedPod> surplus = new ArrayList<>(outdated.reversed());
            healthy.reversed().stream().filter(pod -> !outdated.contains(pod)).forEach(surplus::add);
            for (ObservedPod pod : surplus.subList(0, running - wanted)) {
                String why = outdated.contains(pod) ? "runs an outdated spec" : "is surplus";
                steps.add(new PlanStep.RemovePod(
                        pod, "pod %d %s: %d running, %d wanted".formatted(pod.podNumber(), why, running, wanted)));
            }
        }
        return new Plan(service, steps);
    }

    private static List<ObservedPod> sortedBySlot(List<ObservedPod> pods) {
        return pods.stream()
                .sorted(Comparator.comparingInt(ObservedPod::podNumber))
                .toList();
    }

    private static List<Integer> freeSlots(Set<Integer> taken, int count) {
        TreeSet<Integer> free = new TreeSet<>();
        for (int slot = 0; free.size() < count; slot++) {
            if (!taken.contains(slot)) {
                free.add(slot);
            }
        }
        return List.copyOf(free);
    }
}
