package io.orbit.daemon.runtime;

import io.orbit.daemon.DaemonOptions;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.docker.DockerContainerRuntime;
import io.orbit.runtime.http.EngineSocketDiscovery;
import io.orbit.runtime.podman.PodmanContainerRuntime;

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
        return switch (runtime) {
            case podman -> PodmanContainerRuntime.open(socket.socket());
            case docker -> DockerContainerRuntime.open(socket.socket());
        };
    }
}
