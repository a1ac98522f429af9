package io.orbit.engine.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one container gets from {@code env_file} and {@code secrets}, values resolved when the file was read.
 *
 * @param env variables from {@code env_file} that {@code env} does not set, and secrets exposed {@code as: env}
 * @param files secrets mounted as files
 */
public record ContainerSecrets(Map<String, SecretValue> env, List<SecretFile> files) {

    public static final ContainerSecrets NONE = new ContainerSecrets(Map.of(), List.of());

    public ContainerSecrets {
        env = Map.copyOf(env);
        files = List.copyOf(files);
    }

    public boolean isEmpty() {
        return env.isEmpty() && files.isEmpty();
    }

    /**
     * One secret mounted as a file.
     *
     * @param secret its name under the top-level {@code secrets:}
     * @param value its bytes, empty for an {@code engine:} secret (the engine has them)
     * @param engineSecret the engine secret object's name for an {@code engine:} secret
     * @param target the absolute path in the container ({@code /run/secrets/<name>} by default)
     * @param mode permission bits, {@code 0444} by default as in Compose
     */
    public record SecretFile(
            String secret,
            Optional<SecretValue> value,
            Optional<String> engineSecret,
            String target,
            int uid,
            int gid,
            int mode) {

        public SecretFile {
            requireNonNull(secret, "secret is null");
            requireNonNull(value, "value is null");
            requireNonNull(engineSecret, "engineSecret is null");
            requireNonNull(target, "target is null");
            if (value.isPresent() == engineSecret.isPresent()) {
                throw new IllegalArgumentException("secret " + secret + " needs either a value or an engine secret");
            }
        }

        /** What identifies this version of the secret: the value's digest, or the engine object's name. */
        public String version() {
            return value.map(SecretValue::digest).orElseGet(() -> "engine:" + engineSecret.orElseThrow());
        }
    }
}
