package io.orbit.daemon.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.orbit.daemon.DaemonOptions;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.http.EngineSocketDiscovery;

/**
 * Binds {@link ContainerRuntime} to Docker's Engine API on the discovered socket ({@code --runtime-socket}, {@code
 * DOCKER_HOST}, {@code $XDG_RUNTIME_DIR/docker.sock}, {@code /var/run/docker.sock}).
 */
public final class DockerRuntimeModule extends AbstractModule {

    @Provides
    @Singleton
    EngineSocketDiscovery.Discovered socket(DaemonOptions options) {
        return ContainerRuntimes.discover(DaemonOptions.Runtime.docker, options);
    }

    @Provides
    @Singleton
    ContainerRuntime runtime(EngineSocketDiscovery.Discovered socket) {
        return ContainerRuntimes.open(DaemonOptions.Runtime.docker, socket);
    }
}
