package io.orbit.daemon;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orbit.daemon.metrics.VolumeMetrics;
import io.orbit.daemon.proxy.ProxyRunner;
import io.orbit.daemon.runtime.RuntimeMonitor;
import io.orbit.engine.Engine;
import io.orbit.engine.EnginePorts;
import io.orbit.engine.EngineReporting;
import io.orbit.engine.EngineSettings;
import io.orbit.engine.EngineStores;
import io.orbit.engine.autoscale.AutoscaleLoop;
import io.orbit.engine.autoscale.AutoscaleMetrics;
import io.orbit.engine.health.HealthMetrics;
import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.netlimit.HostNetworkLimiter;
import io.orbit.engine.netlimit.NetworkLimitEnforcer;
import io.orbit.engine.persist.StateStore;
import io.orbit.engine.reconcile.ReconcileMetrics;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.reconcile.Reconciler;
import io.orbit.engine.reconcile.ServicePass;
import io.orbit.engine.reload.ConfigReloader;
import io.orbit.engine.routing.TrafficControl;
import io.orbit.engine.spec.HostAccess;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.http.EngineSocketDiscovery;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engine feature: one {@link Engine} (the engine's composition root, which builds its components and their one
 * lifecycle) and the engine monitor. The other bindings only hand out what the engine built, for the API, systemd and
 * the meters; nothing here starts a thread or touches the host.
 */
public final class EngineModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(RuntimeMonitor.class).in(Singleton.class);
    }

    /** The shared state comes first: the meters and the API read it, and the engine reports through the meters. */
    @Provides
    @Singleton
    EngineStores stores(InstantSource clock) {
        return EngineStores.create(clock);
    }

    /**
     * The engine. The engine monitor and the proxy are its upstream parts: they start before every engine part (the
     * first passes find the engine's info and a proxy for their routes) and stop after them (pods removed on the way
     * out with --on-exit stop are drained first).
     */
    @Provides
    @Singleton
    Engine engine(
            DaemonOptions options,
            EngineStores stores,
            ContainerRuntime runtime,
            EngineSocketDiscovery.Discovered engineSocket,
            RuntimeMonitor engineMonitor,
            TrafficControl traffic,
            ProxyRunner proxy,
            ReconcileMetrics reconcileMetrics,
            HealthMetrics healthMetrics,
            AutoscaleMetrics autoscaleMetrics,
            ConfigReloader.Listener reloads,
            PrometheusMeterRegistry registry,
            InstantSource clock) {
        EnginePorts ports = new EnginePorts(
                runtime,
                traffic,
                () -> engineMonitor.state().info(),
                HostNetworkLimiter::detect,
                List.of(engineMonitor, proxy));
        EngineReporting reporting = new EngineReporting(
                reconcileMetrics,
                healthMetrics,
                autoscaleMetrics,
                reloads,
                volumes -> new VolumeMetrics(registry, stores.status(), volumes)::refresh);
        return new Engine(settings(options, engineSocket, clock), stores, ports, reporting);
    }

    static EngineSettings settings(
            DaemonOptions options, EngineSocketDiscovery.Discovered engineSocket, InstantSource clock) {
        // The engine socket the daemon found is protected like --runtime-socket: no volume may expose it.
        HostAccess hostAccess = options.hostAccess();
        List<Path> own = new ArrayList<>(hostAccess.protectedPaths());
        own.add(engineSocket.socket());
        return new EngineSettings(
                options.instance(),
                options.configDirectoryReader(),
                options.apiAddress().getPort(),
                hostAccess.withProtectedPaths(own),
                options.volumeDirectory(),
                options.drainTimeout(),
                options.onExit() == DaemonOptions.OnExit.stop,
                clock,
                Optional.of(options.hardening().stateDirectory()));
    }

    @Provides
    DesiredState desired(EngineStores stores) {
        return stores.desired();
    }

    @Provides
    StatusStore status(EngineStores stores) {
        return stores.status();
    }

    @Provides
    EventJournal journal(EngineStores stores) {
        return stores.journal();
    }

    @Provides
    ReconcileQueue queue(EngineStores stores) {
        return stores.queue();
    }

    @Provides
    Reconciler reconciler(Engine engine) {
        return engine.reconciler();
    }

    @Provides
    ServicePass pass(Engine engine) {
        return engine.pass();
    }

    @Provides
    HealthMonitor health(Engine engine) {
        return engine.health();
    }

    @Provides
    PodVolumes volumes(Engine engine) {
        return engine.volumes();
    }

    @Provides
    NetworkLimitEnforcer networkLimits(Engine engine) {
        return engine.networkLimits();
    }

    @Provides
    AutoscaleLoop autoscaler(Engine engine) {
        return engine.autoscaler();
    }

    /** The state store (issue 14), for /healthz, /status and orbit doctor. */
    @Provides
    Optional<StateStore> stateStore(Engine engine) {
        return engine.stateStore();
    }
}
