package io.orbit.engine.reconcile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The second part of a pass: a pure function from an {@link Observation} to the {@link Plan} — every step the pass
 * takes, in order: the exits to report, the rollout's journal entries, then the pod steps of {@link ServiceReconciler}
 * (orphan, restart, scale and rollout policies) with the {@link NetworkLimitPolicy}'s limits and refusals.
 */
public final class PassPlanner {

    private PassPlanner() {}

    public static Plan plan(Observation seen) {
        List<PlanStep> steps = new ArrayList<>();
        seen.exits().forEach(exit -> steps.add(new PlanStep.ReportExit(exit)));
        seen.rollout().ifPresent(rollout -> steps.addAll(rollout.notes()));
        Plan pods = ServiceReconciler.plan(
                seen.service(), seen.target(), seen.pods(), seen.verdicts(), seen.now(), seen.preferredVictims());
        steps.addAll(NetworkLimitPolicy.apply(seen.target(), pods.steps(), seen.networkLimits()));
        Optional<Instant> recheckAt = Stream.concat(
                        pods.recheckAt().stream(), seen.rollout().flatMap(Rollouts.Progress::recheckAt).stream())
                .min(Instant::compareTo);
        return new Plan(seen.service(), steps, recheckAt);
    }
}
