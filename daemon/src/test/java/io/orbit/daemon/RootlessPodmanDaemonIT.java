package io.orbit.daemon;

import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.podman.PodmanContainerRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

/**
 * The daemon's scenarios against rootless Podman of the test user: single-container pods get no IP there (slirp4netns),
 * which {@code /status} must show as it is. The daemon runs as the test JVM's user and talks to the user's socket.
 */
@Tag("container-engine")
class RootlessPodmanDaemonIT extends DaemonContract {

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
}
