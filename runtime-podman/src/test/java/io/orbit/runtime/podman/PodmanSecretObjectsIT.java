package io.orbit.runtime.podman;

import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.EngineSockets;
import org.junit.jupiter.api.Tag;

/** Secret objects on rootful Podman. */
@Tag("container-engine")
class PodmanSecretObjectsIT extends SecretObjectsContract {

    @Override
    ContainerRuntime open() {
        return PodmanContainerRuntime.open(EngineSockets.podman());
    }
}
