package io.orbit.engine.state;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One pod as last observed.
 *
 * @param current true when the pod runs the service's current spec
 * @param problem why the pod cannot serve, empty when all its containers run
 */
public record PodStatus(
        String podId,
        int podNumber,
        String configHash,
        boolean current,
        List<ContainerStatus> containers,
        Optional<String> problem) {

    public PodStatus {
        requireNonNull(podId, "podId is null");
        requireNonNull(configHash, "configHash is null");
        containers = List.copyOf(containers);
        requireNonNull(problem, "problem is null");
    }
}
