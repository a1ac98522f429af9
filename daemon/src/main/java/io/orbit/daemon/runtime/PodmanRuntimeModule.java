package io.orbit.daemon.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.orbit.daemon.DaemonOptions;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.http.EngineSocketDiscovery;

/**
 * Binds {@link ContainerRuntime} to Podman's libpod API on the discovered socket ({@code --runtime-socket}, {@code
 * CONTAINER_HOST}, the rootless socket under {@code $XDG_RUNTIME_DIR}, {@code /run/podman/podman.sock}).
 */
public final class PodmanRuntimeModule extends AbstractModule {

    @Provides
    @Singleton
    EngineSocketDiscovery.Discovered socket(DaemonOptions options) {
        return ContainerRuntimes.discover(DaemonOptions.Runtime.podman, options);
    }

    @Provides
    @Singleton
    ContainerRuntime runtime(EngineSocketDiscovery.Discovered socket) {
        return ContainerRuntimes.open(DaemonOptions.Runtime.podman, socket);
    }
}
