package io.orbit.engine.reconcile;

import static java.util.Objects.requireNonNull;

import io.orbit.runtime.ContainerState;
import java.util.Map;

/**
 * One container of a pod as the runtime lists it.
 *
 * @param containerName the container's name in the service file ({@code orbit.container})
 */
public record ObservedContainer(
        String id, String runtimeName, String containerName, ContainerState state, Map<String, String> labels) {

    public ObservedContainer {
        requireNonNull(id, "id is null");
        requireNonNull(runtimeName, "runtimeName is null");
        requireNonNull(containerName, "containerName is null");
        requireNonNull(state, "state is null");
        labels = Map.copyOf(labels);
    }

    public boolean isRunning() {
        return state == ContainerState.RUNNING;
    }
}
