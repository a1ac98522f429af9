package io.orbit.engine.spec;

import java.util.Map;

/**
 * The values a service file refers to, read when the file was read: the top-level {@code secrets:} with a {@code
 * file:} or {@code env:} source, and each container's {@code env_file} entries. Kept apart from {@link ServiceSpec}
 * (the file as written) so nothing that shows a spec can show a value.
 *
 * @param secrets by secret name; {@code engine:} secrets have no entry (the engine holds their value)
 * @param envFiles by container name: the variables of its {@code env_file}s, later files winning
 */
public record ServiceSecrets(Map<String, SecretValue> secrets, Map<String, Map<String, SecretValue>> envFiles) {

    public static final ServiceSecrets NONE = new ServiceSecrets(Map.of(), Map.of());

    public ServiceSecrets {
        secrets = Map.copyOf(secrets);
        envFiles = envFiles.entrySet().stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(
                        Map.Entry::getKey, e -> Map.copyOf(e.getValue())));
    }
}
