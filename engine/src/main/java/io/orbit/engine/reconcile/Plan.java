package io.orbit.engine.reconcile;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The steps one pass takes for one service, in the order they are applied. */
public record Plan(String service, List<PlanStep> steps) {

    public Plan {
        requireNonNull(service, "service is null");
        steps = List.copyOf(steps);
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }
}
