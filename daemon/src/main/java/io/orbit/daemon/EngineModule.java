package io.orbit.daemon;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.orbit.daemon.api.ApiServer;
import io.orbit.daemon.lifecycle.Lifecycle;
import io.orbit.daemon.runtime.RuntimeMonitor;
import io.orbit.engine.reconcile.ReconcileMetrics;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.reconcile.Reconciler;
import io.orbit.engine.reconcile.RetryBackoff;
import io.orbit.engine.reload.ConfigReloader;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.runtime.ContainerRuntime;
import java.time.InstantSource;
import java.util.List;

/**
 * Binds the engine (desired state, status, queue, reconciler, config reloader) and the daemon's lifecycle. Engine
 * classes carry no injection annotations; they are built here with {@code @Provides}, so the engine stays a plain
 * library.
 *
 * <p>Public bindings: {@link DaemonOptions}, {@link InstantSource}, {@link DesiredState}, {@link StatusStore}, {@link
 * ReconcileQueue}, {@link Reconciler}, {@link ConfigReloader}, {@link EngineRunner}, {@link Lifecycle}.
 */
public final class EngineModule extends AbstractModule {

    private final DaemonOptions options;

    public EngineModule(DaemonOptions options) {
        this.options = options;
    }

    @Override
    protected void configure() {
        bind(DaemonOptions.class).toInstance(options);
        bind(InstantSource.class).toInstance(InstantSource.system());
        bind(DesiredState.class).toInstance(new DesiredState());
        bind(StatusStore.class).toInstance(new StatusStore());
        bind(RuntimeMonitor.class).in(Singleton.class);
        bind(ApiServer.class).in(Singleton.class);
        bind(EngineRunner.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    ReconcileQueue queue(InstantSource clock) {
        return new ReconcileQueue(clock, RetryBackoff.DEFAULT);
    }

    @Provides
    @Singleton
    Reconciler reconciler(
            ContainerRuntime runtime,
            DesiredState desired,
            StatusStore status,
            ReconcileQueue queue,
            InstantSource clock,
            ReconcileMetrics metrics) {
        return new Reconciler(runtime, desired, status, queue, clock, metrics);
    }

    @Provides
    @Singleton
    ConfigReloader reloader(
            DesiredState desired, ReconcileQueue queue, InstantSource clock, ConfigReloader.Listener listener) {
        return new ConfigReloader(
                options.configDirectory(), options.apiAddress().getPort(), desired, queue, clock, listener);
    }

    @Provides
    @Singleton
    Lifecycle lifecycle(RuntimeMonitor runtimeMonitor, EngineRunner engine, ApiServer api) {
        return new Lifecycle(List.of(runtimeMonitor, engine, api));
    }
}
