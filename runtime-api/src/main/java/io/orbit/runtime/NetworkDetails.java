package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Map;

public record NetworkDetails(String id, String name, boolean dnsEnabled, Map<String, String> labels) {

    public NetworkDetails {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        labels = Map.copyOf(labels);
    }
}
