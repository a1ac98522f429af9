package io.orbit.engine.reconcile;

import io.orbit.engine.health.PodVerdict;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodTemplateHash;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How many pods run: too few start in the lowest free slots (never more pods in all than {@code max}); outdated ones
 * are rolled ({@link RolloutPolicy}); too many lose the surplus (outdated first, then the autoscaler's victims, then
 * the highest slots); crash-looping pods stay while they fit within {@code max}.
 */
final class ScalePolicy {

    private ScalePolicy() {}

    /** Adds the scale, rollout and crash-loop steps to {@code steps}, after the triage's own. */
    static void plan(
            DesiredService target,
            Triage triage,
            Map<String, PodVerdict> verdicts,
            List<String> preferredVictims,
            List<PlanStep> steps) {
        List<ObservedPod> serving = triage.serving();
        List<ObservedPod> outdated = serving.stream()
                .filter(pod -> !PodTemplateHash.matches(pod.configHash(), target.configHash()))
                .toList();
        Counts counts = new Counts(
                target,
                serving.size() + triage.recovering().size(),
                triage.looping().size());
        Set<Integer> taken = new HashSet<>();
        for (List<ObservedPod> kept : List.of(serving, triage.recovering(), triage.looping())) {
            kept.forEach(pod -> taken.add(pod.podNumber()));
        }
        if (!outdated.isEmpty() && counts.wanted() > 0) {
            RolloutPolicy.rollOut(target, triage, outdated, verdicts, taken, steps);
            List<ObservedPod> current =
                    serving.stream().filter(pod -> !outdated.contains(pod)).toList();
            int extra = current.size() + triage.recovering().size() - counts.wanted();
            if (extra > 0) {
                removeSurplus(List.of(), current, preferredVictims, extra, counts, steps);
            }
        } else if (counts.running() < counts.wanted()) {
            startMissing(counts, taken, steps);
        } else if (counts.running() > counts.wanted()) {
            removeSurplus(outdated, serving, preferredVictims, counts.running() - counts.wanted(), counts, steps);
        }
        removeLoopingThatDoNotFit(triage.looping(), counts, steps);
    }

    /** @param running serving and recovering pods; crash-looping ones do not count */
    private record Counts(int running, int wanted, int max, int looping) {
        Counts(DesiredService target, int running, int looping) {
            this(
                    running,
                    target.replicas(),
                    Math.max(target.replicas(), target.definition().maxInstances()),
                    looping);
        }
    }

    private static void startMissing(Counts counts, Set<Integer> taken, List<PlanStep> steps) {
        int room = Math.min(counts.wanted() - counts.running(), counts.max() - counts.running() - counts.looping());
        String why = counts.looping() == 0
                ? "%d of %d pods running".formatted(counts.running(), counts.wanted())
                : "%d of %d pods running, %d crash-looping"
                        .formatted(counts.running(), counts.wanted(), counts.looping());
        for (int slot : ServiceReconciler.freeSlots(taken, Math.max(0, room))) {
            steps.add(new PlanStep.StartPod(slot, why));
        }
    }

    /**
     * Crash-looping pods stay (visible, retried at the back-off cap) while they fit: removing one as soon as a
     * replacement runs would start the replacement's own crash loop and churn forever on a bad spec.
     */
    private static void removeLoopingThatDoNotFit(List<ObservedPod> looping, Counts counts, List<PlanStep> steps) {
        int over =
                counts.wanted() == 0 ? looping.size() : Math.max(0, counts.running() + looping.size() - counts.max());
        for (ObservedPod pod : looping.reversed().subList(0, Math.min(over, looping.size()))) {
            steps.removeIf(step -> step instanceof PlanStep.RestartContainers restart && restart.pod() == pod);
            steps.add(new PlanStep.RemovePod(
                    pod,
                    "pod %d is crash-looping and does not fit: %d running, %d wanted, max %d"
                            .formatted(pod.podNumber(), counts.running(), counts.wanted(), counts.max())));
        }
    }

    /**
     * Removes {@code count} pods: outdated ones first, then the autoscaler's victims in its order, then the highest
     * slots of the others.
     */
    private static void removeSurplus(
            List<ObservedPod> outdated,
            List<ObservedPod> serving,
            List<String> preferredVictims,
            int count,
            Counts counts,
            List<PlanStep> steps) {
        List<ObservedPod> surplus = new ArrayList<>(outdated.reversed());
        List<ObservedPod> currentPods = serving.reversed().stream()
                .filter(pod -> !outdated.contains(pod))
                .toList();
        for (String victim : preferredVictims) {
            currentPods.stream()
                    .filter(pod -> pod.podId().equals(victim) && !surplus.contains(pod))
                    .findFirst()
                    .ifPresent(surplus::add);
        }
        currentPods.stream().filter(pod -> !surplus.contains(pod)).forEach(surplus::add);
        for (ObservedPod pod : surplus.subList(0, Math.min(surplus.size(), count))) {
            String why = outdated.contains(pod)
                    ? "runs an outdated spec"
                    : preferredVictims.contains(pod.podId())
                            ? "is surplus (the autoscaler's choice: fewest requests in flight)"
                            : "is surplus";
            steps.add(new PlanStep.RemovePod(
                    pod,
                    "pod %d %s: %d running, %d wanted"
                            .formatted(pod.podNumber(), why, counts.running(), counts.wanted())));
        }
    }
}
