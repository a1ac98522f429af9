package io.orbit.engine.reconcile;

import io.orbit.engine.health.PodVerdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides what one pass does for one service: a pure function of the desired service, the observed pods, health's
 * verdict on each pod, and the time.
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
 *   <li>Some pods run an outdated spec: a rolling update ({@link #rollOut}) — new pods within {@code replicas +
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
        List<PlanStep> steps = new ArrayList<>();
        if (desired.isEmpty()) {
            observed.stream()
                    .sorted(Comparator.comparingInt(ObservedPod::podNumber))
                    .forEach(pod -> steps.add(
                            new PlanStep.RemovePod(pod, "service '%s' is no longer defined".formatted(service))));
            return new Plan(service, steps);
        }
        DesiredService target = desired.get();
        List<ObservedPod> serving = new ArrayList<>();
        List<ObservedPod> recovering = new ArrayList<>();
        List<ObservedPod> looping = new ArrayList<>();
        Instant recheckAt = null;
        for (ObservedPod pod : sortedBySlot(observed)) {
            String name = "pod " + pod.podNumber();
            if (pod.origin() == ObservedPod.Origin.ORPHAN) {
                steps.add(new PlanStep.RemovePod(
                        pod, name + " was left by an earlier Orbit without labels (adopt_orphans: false)"));
                continue;
            }
            if (pod.expectedSize() != target.podSize()) {
                steps.add(new PlanStep.RemovePod(
                        pod,
                        "%s has %d containers, the spec has %d".formatted(name, pod.expectedSize(), target.podSize())));
                continue;
            }
            if (pod.containers().size() < pod.expectedSize()) {
                steps.add(new PlanStep.RemovePod(pod, name + " " + pod.problem().orElseThrow()));
                continue;
            }
            PodVerdict verdict = verdicts.getOrDefault(pod.podId(), PodVerdict.FINE);
            List<ObservedContainer> exited = pod.containers().stream()
                    .filter(container -> !container.isRunning())
                    .toList();
            if (exited.isEmpty() && verdict.action().isEmpty()) {
                serving.add(pod);
                continue;
            }
            String trouble = name + " "
                    + (exited.isEmpty()
                            ? verdict.action().orElseThrow().reason()
                            : pod.problem().orElseThrow());
            if (!PodTemplateHash.matches(pod.configHash(), target.configHash())) {
                steps.add(new PlanStep.RemovePod(pod, trouble + "; it runs an outdated spec, so it is replaced"));
                continue;
            }
            if (pod.origin() == ObservedPod.Origin.ADOPTED_ORPHAN) {
                steps.add(new PlanStep.RemovePod(
                        pod, trouble + "; it was adopted from an earlier Orbit, so it is replaced"));
                continue;
            }
            (verdict.crashLoop() ? looping : recovering).add(pod);
            if (now.isBefore(verdict.restartAllowedAt())) {
                recheckAt = recheckAt == null || verdict.restartAllowedAt().isBefore(recheckAt)
                        ? verdict.restartAllowedAt()
                        : recheckAt;
                continue;
            }
            if (!exited.isEmpty()) {
                steps.add(new PlanStep.RestartContainers(pod, exited, trouble, PlanStep.Cause.EXITED));
            } else if (verdict.action().orElseThrow() instanceof PodVerdict.Action.RestartContainers restart) {
                List<ObservedContainer> failing = pod.containers().stream()
                        .filter(container -> restart.containerIds().contains(container.id()))
                        .toList();
                steps.add(new PlanStep.RestartContainers(pod, failing, trouble, PlanStep.Cause.LIVENESS));
            } else {
                (verdict.crashLoop() ? looping : recovering).remove(pod);
                steps.add(new PlanStep.RemovePod(pod, trouble, true));
            }
        }
        List<ObservedPod> outdated = serving.stream()
                .filter(pod -> !PodTemplateHash.matches(pod.configHash(), target.configHash()))
                .toList();
        int running = serving.size() + recovering.size();
        int wanted = target.replicas();
        int max = Math.max(wanted, target.definition().maxInstances());
        Set<Integer> taken = new HashSet<>();
        for (List<ObservedPod> kept : List.of(serving, recovering, looping)) {
            kept.forEach(pod -> taken.add(pod.podNumber()));
        }
        if (!outdated.isEmpty() && wanted > 0) {
            rollOut(target, serving, outdated, recovering.size(), looping.size(), verdicts, taken, steps);
            int extra = serving.size() - outdated.size() + recovering.size() - wanted;
            if (extra > 0) {
                removeSurplus(
                        List.of(),
                        serving.stream().filter(pod -> !outdated.contains(pod)).toList(),
                        preferredVictims,
                        extra,
                        running,
                        wanted,
                        steps);
            }
        } else if (running < wanted) {
            int room = Math.min(wanted - running, max - running - looping.size());
            String why = looping.isEmpty()
                    ? "%d of %d pods running".formatted(running, wanted)
                    : "%d of %d pods running, %d crash-looping".formatted(running, wanted, looping.size());
            for (int slot : freeSlots(taken, Math.max(0, room))) {
                steps.add(new PlanStep.StartPod(slot, why));
            }
        } else if (running > wanted) {
            removeSurplus(outdated, serving, preferredVictims, running - wanted, running, wanted, steps);
        }
        // Crash-looping pods stay (visible, retried at the back-off cap) while they fit: removing one as soon as a
        // replacement runs would start the replacement's own crash loop and churn forever on a bad spec.
        int over = wanted == 0 ? looping.size() : Math.max(0, running + looping.size() - max);
        for (ObservedPod pod : looping.reversed().subList(0, Math.min(over, looping.size()))) {
            steps.removeIf(step -> step instanceof PlanStep.RestartContainers restart && restart.pod() == pod);
            steps.add(new PlanStep.RemovePod(
                    pod,
                    "pod %d is crash-looping and does not fit: %d running, %d wanted, max %d"
                            .formatted(pod.podNumber(), running, wanted, max)));
        }
        return new Plan(service, steps, Optional.ofNullable(recheckAt));
    }

    /**
     * A rolling update (Orbit's {@code rolling_update_config}, done right): up to {@code max_surge} new pods start
     * beyond the replica count; an old pod is drained and removed only once a ready new pod stands in for it — so the
     * ready pods never drop below the replica count, and a new spec that never gets ready never costs an old pod — at
     * most {@code max_unavailable} per pass. Unready old pods serve nobody and go first. With {@code max_surge: 0}
     * there is no room to start first, so {@code max_unavailable} old pods go before their successors start. Each pass
     * moves as far as that allows; readiness changes and the resync bring the next one.
     */
    private static void rollOut(
            DesiredService target,
            List<ObservedPod> serving,
            List<ObservedPod> outdated,
            int recovering,
            int looping,
            Map<String, PodVerdict> verdicts,
            Set<Integer> taken,
            List<PlanStep> steps) {
        int wanted = target.replicas();
        int maxSurge = Rollouts.maxSurge(target);
        int maxUnavailable = Rollouts.maxUnavailable(target);
        List<ObservedPod> fresh =
                serving.stream().filter(pod -> !outdated.contains(pod)).toList();
        long readyNew = fresh.stream().filter(pod -> ready(pod, verdicts)).count();
        long readyOld = outdated.stream().filter(pod -> ready(pod, verdicts)).count();
        long keep = maxSurge > 0 ? wanted : Math.max(1, wanted - maxUnavailable);
        long removable = Math.min(Math.max(0, readyNew + readyOld - keep), Math.max(1, maxUnavailable));
        List<ObservedPod> order = new ArrayList<>(outdated.stream()
                .filter(pod -> !ready(pod, verdicts))
                .sorted(Comparator.comparingInt(ObservedPod::podNumber).reversed())
                .toList());
        outdated.stream()
                .filter(pod -> ready(pod, verdicts))
                .sorted(Comparator.comparingInt(ObservedPod::podNumber).reversed())
                .forEach(order::add);
        int removed = 0;
        for (ObservedPod pod : order) {
            boolean isReady = ready(pod, verdicts);
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
        for (int slot : freeSlots(taken, toStart)) {
            steps.add(new PlanStep.StartPod(
                    slot,
                    "rolling out: %d of %d pods on the new spec (max_surge %d, max_unavailable %d)"
                            .formatted(updated, wanted, maxSurge, maxUnavailable)));
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
            int running,
            int wanted,
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
                    pod, "pod %d %s: %d running, %d wanted".formatted(pod.podNumber(), why, running, wanted)));
        }
    }

    private static boolean ready(ObservedPod pod, Map<String, PodVerdict> verdicts) {
        return verdicts.getOrDefault(pod.podId(), PodVerdict.FINE).ready();
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
