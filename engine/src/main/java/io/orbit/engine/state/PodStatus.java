package io.orbit.engine.state;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One pod as last observed.
 *
 * @param current true when the pod runs the service's current spec
 * @param problem why the pod cannot serve, empty when all its containers run
 * @param health readiness, restarts and probe results
 */
public record PodStatus(
        String podId,
        int podNumber,
        String configHash,
        boolean current,
        List<ContainerStatus> containers,
        Optional<String> problem,
        PodHealthStatus health) {

    public PodStatus {
        requireNonNull(podId, "podId is null");
        requireNonNull(configHash, "configHash is null");
        containers = List.copyOf(containers);
        requireNonNull(problem, "problem is null");
        requireNonNull(health, "health is null");
    }

    /** A pod health knows nothing about yet. */
    public PodStatus(
            String podId,
            int podNumber,
            String configHash,
            boolean current,
            List<ContainerStatus> containers,
            Optional<String> problem) {
        this(podId, podNumber, configHash, current, containers, problem, PodHealthStatus.NONE);
    }

    public PodStatus withHealth(PodHealthStatus health) {
        return new PodStatus(podId, podNumber, configHash, current, containers, problem, health);
    }
}
