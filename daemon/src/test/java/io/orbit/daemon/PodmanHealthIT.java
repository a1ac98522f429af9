package io.orbit.daemon;

import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.podman.PodmanContainerRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

/** Health checks that act, on rootful Podman (which runs no checks itself without systemd). */
@Tag("container-engine")
class PodmanHealthIT extends HealthContract {

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
