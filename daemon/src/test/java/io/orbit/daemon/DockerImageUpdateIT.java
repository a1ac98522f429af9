package io.orbit.daemon;

import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.docker.DockerContainerRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

/** Image updates end to end on Docker. */
@Tag("container-engine")
class DockerImageUpdateIT extends ImageUpdateContract {

    @Override
    protected String runtimeName() {
        return "docker";
    }

    @Override
    protected Path socket() {
        return EngineSockets.docker();
    }

    @Override
    protected ContainerRuntime openRuntime(Path socket) {
        return DockerContainerRuntime.open(socket);
    }
}
