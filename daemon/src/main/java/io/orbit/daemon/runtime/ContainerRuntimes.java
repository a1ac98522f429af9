package io.orbit.daemon.runtime;

import io.orbit.daemon.DaemonOptions;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.docker.DockerContainerRuntime;
import io.orbit.runtime.http.EngineSocketDiscovery;
import io.orbit.runtime.podman.PodmanContainerRuntime;
import java.time.Duration;

/** Opens the configured engine adapter; used by the runtime modules and by CLI commands that need no daemon. */
public final class ContainerRuntimes {

    private ContainerRuntimes() {}

    public static EngineSocketDiscovery.Discovered discover(DaemonOptions.Runtime runtime, DaemonOptions options) {
        EngineSocketDiscovery.Engine engine = switch (runtime) {
            case podman -> EngineSocketDiscovery.Engine.PODMAN;
            case docker -> EngineSocketDiscovery.Engine.DOCKER;
        };
        return EngineSockets.discover(engine, options);
    }

    public static ContainerRuntime open(DaemonOptions.Runtime runtime, EngineSocketDiscovery.Discovered socket) {
        return open(runtime, socket, DaemonOptions.DEFAULT_PULL_TIMEOUT);
    }

    /** @param pullTimeout a pull without progress for this long fails, naming the image and the registry */
    public static ContainerRuntime open(
            DaemonOptions.Runtime runtime, EngineSocketDiscovery.Discovered socket, Duration pullTimeout) {
        return switch (runtime) {
            case podman -> PodmanContainerRuntime.open(socket.socket(), pullTimeout);
            case docker -> DockerContainerRuntime.open(socket.socket(), pullTimeout);
        };
    }
}
