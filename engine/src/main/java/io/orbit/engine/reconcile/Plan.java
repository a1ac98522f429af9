package io.orbit.engine.reconcile;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The steps one pass takes for one service, in the order they are applied.
 *
 * @param recheckAt when a restart held back by its back-off becomes due: the service must be reconciled again then
 */
public record Plan(String service, List<PlanStep> steps, Optional<Instant> recheckAt) {

    public Plan {
        requireNonNull(service, "service is null");
        steps = List.copyOf(steps);
        requireNonNull(recheckAt, "recheckAt is null");
    }

    public Plan(String service, List<PlanStep> steps) {
        this(service, steps, Optional.empty());
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }
}
