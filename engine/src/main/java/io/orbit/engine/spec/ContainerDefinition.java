package io.orbit.engine.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One container of a validated service, limits resolved (container value, else the service's, else unlimited).
 *
 * @param memoryBytes 0 means unlimited
 * @param nanoCpus 0 means unlimited
 * @param env the {@code env:} of the file; {@code env_file} values are in {@code secrets}, never here
 * @param secrets what {@code env_file} and {@code secrets} give this container, values resolved
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
        ContainerTemplate template,
        ContainerSecrets secrets) {

    /** A container without {@code env_file} or {@code secrets}. */
    public ContainerDefinition(
            String name,
            String image,
            List<String> command,
            Map<String, String> env,
            boolean privileged,
            List<ContainerTemplate.PortSpec> ports,
            long memoryBytes,
            long nanoCpus,
            ContainerTemplate template) {
        this(name, image, command, env, privileged, ports, memoryBytes, nanoCpus, template, ContainerSecrets.NONE);
    }

    public ContainerDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        command = List.copyOf(command);
        env = Map.copyOf(env);
        ports = List.copyOf(ports);
        requireNonNull(template, "template is null");
        requireNonNull(secrets, "secrets is null");
    }
}
