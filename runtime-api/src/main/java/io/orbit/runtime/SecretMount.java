package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

/**
 * An engine secret object mounted as a file into a container (Podman's {@code --secret source,target=,uid=,gid=,mode=}).
 * Only engines that {@link ContainerRuntime#hasSecretObjects() have secret objects} take these; elsewhere the orchestrator writes the
 * secret to a root-only directory and bind-mounts it read-only instead.
 *
 * @param secret the name of the secret object on the engine
 * @param target the absolute path of the file in the container
 * @param mode the file's permission bits, e.g. {@code 0400}
 */
public record SecretMount(String secret, String target, int uid, int gid, int mode) {

    public SecretMount {
        requireNonNull(secret, "secret is null");
        requireNonNull(target, "target is null");
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("secret target must be absolute: " + target);
        }
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("secret uid/gid must not be negative: " + uid + "/" + gid);
        }
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("secret mode must be within 0000-0777: " + Integer.toOctalString(mode));
        }
    }
}
