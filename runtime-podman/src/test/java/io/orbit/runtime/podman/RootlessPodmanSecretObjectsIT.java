package io.orbit.runtime.podman;

import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.EngineSockets;
import org.junit.jupiter.api.Tag;

/** Secret objects on rootless Podman of the test user (uid and gid of a mount mapped in its user namespace). */
@Tag("container-engine")
class RootlessPodmanSecretObjectsIT extends SecretObjectsContract {

    @Override
    ContainerRuntime open() {
        return PodmanContainerRuntime.open(EngineSockets.rootlessPodman());
    }
}
