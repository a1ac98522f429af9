package io.orbit.daemon;

import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.podman.PodmanContainerRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

/** Image updates end to end on rootful Podman. */
@Tag("container-engine")
class PodmanImageUpdateIT extends ImageUpdateContract {

    @Override
    protected String runtimeName() {
        return "podman";
    }

    @Override
    protected Path socket() {
        return EngineSockets.podman();
    }

    @Override
    protected ContainerRuntime openRuntime(Path socket) {
        return PodmanContainerRuntime.open(socket);
    }
}
