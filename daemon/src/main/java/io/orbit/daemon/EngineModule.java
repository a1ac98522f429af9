package io.orbit.daemon;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orbit.daemon.api.ApiServer;
import io.orbit.daemon.lifecycle.Lifecycle;
import io.orbit.daemon.metrics.VolumeMetrics;
import io.orbit.daemon.proxy.ProxyRunner;
import io.orbit.daemon.runtime.RuntimeMonitor;
import io.orbit.daemon.systemd.SystemdNotifier;
import io.orbit.engine.autoscale.AutoscaleLoop;
import io.orbit.engine.autoscale.AutoscaleMetrics;
import io.orbit.engine.health.HealthMetrics;
import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.health.HostProbeRunner;
import io.orbit.engine.health.RestartBackoff;
import io.orbit.engine.health.RestartLedger;
import io.orbit.engine.health.ThreadedProbeScheduler;
import io.orbit.engine.image.ImageWatcher;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.netlimit.HostNetworkLimiter;
import io.orbit.engine.netlimit.NetworkLimitEnforcer;
import io.orbit.engine.reconcile.PodDrainer;
import io.orbit.engine.reconcile.ReconcileMetrics;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.reconcile.Reconciler;
import io.orbit.engine.reconcile.RetryBackoff;
import io.orbit.engine.reconcile.ServicePass;
import io.orbit.engine.reload.ConfigReloader;
import io.orbit.engine.routing.RoutePublisher;
import io.orbit.engine.routing.TrafficControl;
import io.orbit.engine.spec.HostAccess;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.proxy.ProxyOptions;
import io.orbit.proxy.ProxyServer;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.http.EngineSocketDiscovery;
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
        bind(SystemdNotifier.class).in(Singleton.class);
        bind(ProxyRunner.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    EventJournal journal(InstantSource clock) {
        return new EventJournal(clock, EventJournal.DEFAULT_CAPACITY);
    }

    @Provides
    @Singleton
    ReconcileQueue queue(InstantSource clock) {
        return new ReconcileQueue(clock, RetryBackoff.DEFAULT);
    }

    @Provides
    @Singleton
    Ownership ownership() {
        return new Ownership(options.instance());
    }

    @Provides
    @Singleton
    ServicePass servicePass(
            ContainerRuntime runtime,
            Ownership ownership,
            StatusStore status,
            InstantSource clock,
            ReconcileMetrics metrics,
            PodDrainer drainer,
            PodVolumes volumes,
            HealthMonitor health,
            EventJournal journal,
            ReconcileQueue queue,
            NetworkLimitEnforcer networkLimits) {
        // network_limit is part of each pass's plan: applied after every start (or reported), refused where impossible.
        return new ServicePass(
                runtime,
                ownership,
                status,
                clock,
                metrics,
                drainer,
                volumes,
                health,
                journal,
                queue::enqueueAfter,
                networkLimits);
    }

    /**
     * network_limit with tc: whether the host can (root, iproute2, nsenter) is checked once here; a rootless engine
     * is recognised from its info at each start.
     */
    @Provides
    @Singleton
    NetworkLimitEnforcer networkLimits(ContainerRuntime runtime, EventJournal journal, RuntimeMonitor engine) {
        return new NetworkLimitEnforcer(
                runtime, HostNetworkLimiter.detect(), () -> engine.state().info(), journal);
    }

    /**
     * Probes from the host; follows every status change (registered before the route publisher, so a container's
     * probes exist by the time routes are built) and, when health changes, drains, republishes and reconciles.
     */
    @Provides
    @Singleton
    HealthMonitor health(
            ContainerRuntime runtime,
            StatusStore status,
            EventJournal journal,
            HealthMetrics metrics,
            InstantSource clock,
            RuntimeMonitor engine) {
        HealthMonitor health = new HealthMonitor(
                status,
                new HostProbeRunner(runtime),
                new ThreadedProbeScheduler(),
                new RestartLedger(RestartBackoff.DEFAULT, new java.util.Random()),
                journal,
                metrics,
                clock,
                () -> containerIpsReachable(engine));
        status.onChange(health::sync);
        return health;
    }

    private static boolean containerIpsReachable(RuntimeMonitor engine) {
        return engine.state()
                .info()
                .map(info -> info.supports(EngineInfo.Capability.CONTAINER_IP_REACHABLE))
                .orElse(true);
    }

    /** Inline files below --volume-dir; removed once no pod uses them, checked after every status change. */
    @Provides
    @Singleton
    PodVolumes volumes(
            ContainerRuntime runtime,
            Ownership ownership,
            StatusStore status,
            InstantSource clock,
            PrometheusMeterRegistry registry) {
        PodVolumes volumes = new PodVolumes(runtime, ownership, options.volumeDirectory(), clock);
        VolumeMetrics metrics = new VolumeMetrics(registry, status, volumes);
        status.onChange(() -> {
            volumes.sweep(status.services());
            metrics.refresh();
        });
        return volumes;
    }

    @Provides
    @Singleton
    Reconciler reconciler(
            ContainerRuntime runtime,
            Ownership ownership,
            DesiredState desired,
            StatusStore status,
            ReconcileQueue queue,
            ServicePass pass,
            EventJournal journal) {
        return new Reconciler(runtime, ownership, desired, status, queue, pass, journal);
    }

    /**
     * The proxy listens on every node port at --proxy-address (all interfaces by default, as Orbit), at most
     * --proxy-max-connections-per-client connections per client address and node port.
     */
    @Provides
    @Singleton
    ProxyServer proxy(PrometheusMeterRegistry registry) {
        return new ProxyServer(
                ProxyOptions.defaults()
                        .withBindHost(options.proxyAddress())
                        .withMaxConnectionsPerClient(options.proxyMaxConnectionsPerClient()),
                registry);
    }

    @Provides
    @Singleton
    TrafficControl trafficControl(ProxyServer proxy) {
        return proxy;
    }

    @Provides
    @Singleton
    RoutePublisher routes(
            DesiredState desired,
            StatusStore status,
            TrafficControl traffic,
            RuntimeMonitor engine,
            HealthMonitor health,
            ReconcileQueue queue) {
        RoutePublisher routes = new RoutePublisher(
                desired, status, traffic, () -> containerIpsReachable(engine), health::isReady, health::isProbed);
        status.onChange(routes::publish);
        health.bind(new HealthMonitor.Actions() {
            @Override
            public void takeOutOfTraffic(String service, String podId) {
                var backends = routes.backendsOf(podId);
                if (!backends.isEmpty()) {
                    traffic.drain(backends, options.drainTimeout());
                }
                routes.publish();
            }

            @Override
            public void readinessChanged(String service) {
                routes.publish();
                queue.enqueue(service);
            }

            @Override
            public void reconcile(String service) {
                queue.enqueue(service);
            }
        });
        return routes;
    }

    /**
     * The autoscaler: every 2 s it reads the status store, the stats sampler (its own 10 s cadence) and the proxy's
     * traffic numbers, and sets the desired replicas of autoscaled services; the reconciler does the rest.
     */
    @Provides
    @Singleton
    AutoscaleLoop autoscaleLoop(
            DesiredState desired,
            StatusStore status,
            TrafficControl traffic,
            ContainerRuntime runtime,
            ReconcileQueue queue,
            EventJournal journal,
            AutoscaleMetrics metrics,
            InstantSource clock) {
        return new AutoscaleLoop(
                desired,
                status,
                traffic,
                runtime,
                queue,
                journal,
                metrics,
                clock,
                Runtime.getRuntime().availableProcessors(),
                AutoscaleLoop.STATS_CADENCE);
    }

    /**
     * Image updates: every {@code image_check_interval} of each desired service it resolves the service's images
     * (pulling with {@code pull_policy: Always}) and, when running containers run an older image, sets a rollout token
     * and enqueues the service; the reconciler rolls the pods.
     */
    @Provides
    @Singleton
    ImageWatcher imageWatcher(
            DesiredState desired,
            StatusStore status,
            ContainerRuntime runtime,
            ReconcileQueue queue,
            EventJournal journal,
            InstantSource clock) {
        return new ImageWatcher(desired, status, runtime, queue, journal, clock);
    }

    /** Draining waits for in-flight requests, at most --drain-timeout (10 s by default; Orbit slept a fixed 10 s). */
    @Provides
    @Singleton
    PodDrainer drainer(RoutePublisher routes, TrafficControl traffic) {
        return (service, podId) -> {
            var backends = routes.backendsOf(podId);
            if (!backends.isEmpty()) {
                traffic.drain(backends, options.drainTimeout());
            }
        };
    }

    @Provides
    @Singleton
    ConfigReloader reloader(
            DesiredState desired,
            ReconcileQueue queue,
            InstantSource clock,
            ConfigReloader.Listener listener,
            EngineSocketDiscovery.Discovered engineSocket) {
        // The engine socket the daemon found is protected like --runtime-socket: no volume may expose it.
        HostAccess hostAccess = options.hostAccess();
        List<java.nio.file.Path> own = new java.util.ArrayList<>(hostAccess.protectedPaths());
        own.add(engineSocket.socket());
        return new ConfigReloader(
                options.configDirectoryReader(),
                options.apiAddress().getPort(),
                hostAccess.withProtectedPaths(own),
                desired,
                queue,
                clock,
                listener);
    }

    @Provides
    @Singleton
    Lifecycle lifecycle(
            RuntimeMonitor runtimeMonitor,
            ProxyRunner proxy,
            EngineRunner engine,
            ApiServer api,
            SystemdNotifier systemd) {
        return new Lifecycle(List.of(runtimeMonitor, proxy, engine, api, systemd));
    }
}
