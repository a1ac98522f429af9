package io.orbit.engine;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.config.ConfigDirectory;
import io.orbit.engine.spec.HostAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * What the {@link Engine} is told.
 *
 * @param instance the name that labels this engine's pods ({@code orbit.instance})
 * @param configDirectory the service files, with their read policy
 * @param apiPort the API's port, which no service may publish
 * @param hostAccess whether service files may reach into the host, and the paths they may never mount
 * @param volumeDirectory the root of inline files
 * @param drainTimeout how long a pod taken out of traffic may finish its requests
 * @param stopPodsOnExit remove every pod when the engine stops ({@code --on-exit stop}); otherwise they stay
 * @param stateDirectory where the state store keeps what the engine decided across restarts ({@code --state-dir});
 *     without one nothing is kept (tests, {@code orbit plan})
 */
public record EngineSettings(
        String instance,
        ConfigDirectory configDirectory,
        int apiPort,
        HostAccess hostAccess,
        Path volumeDirectory,
        Duration drainTimeout,
        boolean stopPodsOnExit,
        InstantSource clock,
        Optional<Path> stateDirectory) {

    /** Settings without a state directory: nothing is kept across restarts. */
    public EngineSettings(
            String instance,
            ConfigDirectory configDirectory,
            int apiPort,
            HostAccess hostAccess,
            Path volumeDirectory,
            Duration drainTimeout,
            boolean stopPodsOnExit,
            InstantSource clock) {
        this(
                instance,
                configDirectory,
                apiPort,
                hostAccess,
                volumeDirectory,
                drainTimeout,
                stopPodsOnExit,
                clock,
                Optional.empty());
    }

    public EngineSettings {
        requireNonNull(instance, "instance is null");
        requireNonNull(configDirectory, "configDirectory is null");
        requireNonNull(hostAccess, "hostAccess is null");
        requireNonNull(volumeDirectory, "volumeDirectory is null");
        requireNonNull(drainTimeout, "drainTimeout is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(stateDirectory, "stateDirectory is null");
    }
}
