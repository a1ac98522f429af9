package io.orbit.daemon;

import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.podman.PodmanContainerRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

/**
 * Health checks that act, on rootless Podman: no container IPs from the host (the probed ports are published on
 * 127.0.0.1) and no memory limits on cgroup v1.
 */
@Tag("container-engine")
class RootlessPodmanHealthIT extends HealthContract {

    @Override
    protected String runtimeName() {
        return "podman";
    }

    @Override
    protected Path socket() {
        return EngineSockets.rootlessPodman();
    }

    @Override
    protected ContainerRuntime openRuntime(Path socket) {
        return PodmanContainerRuntime.open(socket);
    }

    @Override
    protected boolean enforcesMemoryLimits() {
        return false;
    }
}
