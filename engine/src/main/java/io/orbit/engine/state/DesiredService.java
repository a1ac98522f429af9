package io.orbit.engine.state;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.spec.ServiceDefinition;

/**
 * What one service should look like now.
 *
 * @param configHash the hash of the pod spec ({@link PodTemplateHash}); pods with another hash are outdated
 * @param replicas how many pods should run (the minimum until the autoscaler decides otherwise)
 */
public record DesiredService(ServiceDefinition definition, String configHash, int replicas) {

    public DesiredService {
        requireNonNull(definition, "definition is null");
        requireNonNull(configHash, "configHash is null");
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas is negative: " + replicas);
        }
    }

    /** A validated service as it should run before anything (a scale pin, the autoscaler) changes it: at its minimum. */
    public static DesiredService of(ServiceDefinition definition) {
        return new DesiredService(definition, PodTemplateHash.of(definition), definition.minInstances());
    }

    public String name() {
        return definition.name();
    }

    public int podSize() {
        return definition.containers().size();
    }
}
