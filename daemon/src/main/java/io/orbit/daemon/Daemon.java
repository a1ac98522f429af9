package io.orbit.daemon;

import io.orbit.daemon.api.ApiServer;
import io.orbit.daemon.systemd.SystemdNotifier;
import io.orbit.engine.Engine;
import io.orbit.engine.lifecycle.ContainerLifeCycle;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * The running daemon: the engine's one lifecycle, with the daemon's own parts added after the engine's. Start order:
 * the container runtime client, the engine monitor, the proxy, the engine's parts ({@link Engine}), the API, systemd;
 * stop is the reverse.
 */
public final class Daemon {

    private final Engine engine;
    private final SystemdNotifier systemd;
    private final ContainerLifeCycle lifecycle;

    @Inject
    Daemon(Engine engine, ApiServer api, SystemdNotifier systemd) {
        this.engine = engine;
        this.systemd = systemd;
        // The API after the engine: it answers once the configuration is loaded and the reconciler runs. systemd
        // last: READY=1 follows everything; stopped first, so STOPPING=1 goes out before the pods are touched.
        this.lifecycle = engine.lifecycle().add(api).add(systemd);
    }

    /** Starts every part in order; on a failure the started parts are stopped and the failure thrown. */
    public void start() throws Exception {
        lifecycle.start();
    }

    /** Stops every started part in reverse order; returns the failures, each already logged. */
    public Optional<Exception> stop() {
        return lifecycle.stop();
    }

    /** Re-reads the config directory now (SIGHUP, {@code systemctl reload}), telling systemd around it. */
    public void reload() {
        systemd.reloading(engine::reload);
    }

    public ContainerLifeCycle lifecycle() {
        return lifecycle;
    }
}
