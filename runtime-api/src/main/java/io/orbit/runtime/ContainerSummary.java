package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/** One container as listed: enough to decide ownership and state without inspecting it. */
public record ContainerSummary(String id, String name, String image, ContainerState state, Map<String, String> labels) {

    public ContainerSummary {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        requireNonNull(state, "state is null");
        labels = Map.copyOf(labels);
    }
}
