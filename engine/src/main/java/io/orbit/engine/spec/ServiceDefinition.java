package io.orbit.engine.spec;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A service that passed validation, with every unit parsed: what the reconciler works from.
 *
 * @param file the service file it came from
 * @param spec the file as written
 * @param containers one entry per {@code spec.containers} entry, in order
 * @param userNetwork the {@code network:} every pod joins, if set
 */
public record ServiceDefinition(
        Path file,
        ServiceSpec spec,
        List<ContainerDefinition> containers,
        int minInstances,
        int maxInstances,
        Optional<String> userNetwork,
        Duration imageCheckInterval) {

    public ServiceDefinition {
        requireNonNull(file, "file is null");
        requireNonNull(spec, "spec is null");
        containers = List.copyOf(containers);
        requireNonNull(userNetwork, "userNetwork is null");
        requireNonNull(imageCheckInterval, "imageCheckInterval is null");
        if (minInstances < 0 || minInstances > maxInstances) {
            throw new IllegalArgumentException(
                    "instance counts out of order: min " + minInstances + ", max " + maxInstances);
        }
    }

    public String name() {
        return spec.name();
    }
}
