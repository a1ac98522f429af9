package io.orbit.daemon;

import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.podman.PodmanContainerRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

/** network_limit on rootless Podman: the daemon refuses to start the pod unlimited and says why; others run. */
@Tag("container-engine")
class RootlessPodmanNetworkLimitIT extends NetworkLimitContract {

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
    protected boolean rootless() {
        return true;
    }
}
