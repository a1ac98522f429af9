package io.orbit.daemon.runtime;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.orbit.daemon.DaemonOptions;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.http.EngineSocketDiscovery;

/**
 * Binds {@link ContainerRuntime} to the chosen engine on its discovered socket: Podman's libpod API
 * ({@code --runtime-socket}, {@code CONTAINER_HOST}, the rootless socket under {@code $XDG_RUNTIME_DIR}, {@code
 * /run/podman/podman.sock}) or Docker's Engine API ({@code --runtime-socket}, {@code DOCKER_HOST}, {@code
 * $XDG_RUNTIME_DIR/docker.sock}, {@code /var/run/docker.sock}); {@link ContainerRuntimes} knows the difference.
 */
public final class RuntimeModule extends AbstractModule {

    private final DaemonOptions.Runtime runtime;

    public RuntimeModule(DaemonOptions.Runtime runtime) {
        this.runtime = requireNonNull(runtime, "runtime is null");
    }

    @Provides
    @Singleton
    EngineSocketDiscovery.Discovered socket(DaemonOptions options) {
        return ContainerRuntimes.discover(runtime, options);
    }

    @Provides
    @Singleton
    ContainerRuntime runtime(EngineSocketDiscovery.Discovered socket, DaemonOptions options) {
        return ContainerRuntimes.open(runtime, socket, options.pullTimeout());
    }
}
