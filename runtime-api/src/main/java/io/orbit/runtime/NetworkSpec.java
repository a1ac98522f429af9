package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/** A bridge network with DNS: containers on it resolve each other's names and aliases. */
public record NetworkSpec(String name, Map<String, String> labels) {

    public NetworkSpec {
        requireNonNull(name, "name is null");
        labels = Map.copyOf(labels);
    }
}
