package io.orbit.engine.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One container of a validated service, limits resolved (container value, else the service's, else unlimited).
 *
 * @param memoryBytes 0 means unlimited
 * @param nanoCpus 0 means unlimited
 */
public record ContainerDefinition(
        String name,
        String image,
        List<String> command,
        Map<String, String> env,
        boolean privileged,
        List<ContainerTemplate.PortSpec> ports,
        long memoryBytes,
        long nanoCpus,
        ContainerTemplate template) {

    public ContainerDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        command = List.copyOf(command);
        env = Map.copyOf(env);
        ports = List.copyOf(ports);
        requireNonNull(template, "template is null");
    }
}
