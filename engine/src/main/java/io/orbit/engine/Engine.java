package io.orbit.engine;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.autoscale.AutoscaleLoop;
import io.orbit.engine.autoscale.AutoscaleStatus;
import io.orbit.engine.autoscale.ScalingDecision;
import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.health.HostProbeRunner;
import io.orbit.engine.health.RestartBackoff;
import io.orbit.engine.health.RestartLedger;
import io.orbit.engine.health.ThreadedProbeScheduler;
import io.orbit.engine.image.ImageWatcher;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.lifecycle.ContainerLifeCycle;
import io.orbit.engine.lifecycle.Managed;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.netlimit.NetworkLimitEnforcer;
import io.orbit.engine.persist.RunningPods;
import io.orbit.engine.persist.StateStore;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.reconcile.Reconciler;
import io.orbit.engine.reconcile.ServicePass;
import io.orbit.engine.reload.ConfigReloader;
import io.orbit.engine.routing.RoutePublisher;
import io.orbit.engine.routing.TrafficControl;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.EngineInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's composition root: it builds every engine component from plain constructors, registers the listeners
 * whose order matters in one place ({@link #wireListeners}), and makes every component with threads or resources a
 * part of one {@link ContainerLifeCycle} ({@link #lifecycle()}), in dependency order. Constructing an engine does no
 * I/O; network-limit detection, the config directory and every thread start in {@link ContainerLifeCycle#start()}.
 *
 * <p>The daemon adds its own parts (API, systemd) to the same lifecycle after the engine's, and gives the parts the
 * engine uses but does not own (the engine monitor, the proxy) as {@link EnginePorts#upstream()}: they start before every
 * engine part and stop after them.
 *
 * <p>Longer than 300 lines: the composition root: every component's construction and the order of the lifecycle's parts, in one place on purpose.
 */
public final class Engine {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    /** How often every service is enqueued even without an event (the level-triggered safety net). */
    public static final Duration RESYNC_INTERVAL = Duration.ofSeconds(5);
    /** Reconcile worker threads. */
    public static final int WORKERS = 4;

    private final EngineSettings settings;
    private final EngineStores stores;
    private final ContainerRuntime runtime;
    private final TrafficControl traffic;
    private final Ownership ownership;
    private final DetectedNetworkLimiter networkLimiter;
    private final NetworkLimitEnforcer networkLimits;
    private final HealthMonitor health;
    private final PodVolumes volumes;
    private final RoutePublisher routes;
    private final ServicePass pass;
    private final Reconciler reconciler;
    private final ConfigReloader reloader;
    private final AutoscaleLoop autoscaler;
    private final ImageWatcher images;
    private final ConfigurationParts configuration;
    private final Optional<StateStore> stateStore;
    private final int hostCpus = Runtime.getRuntime().availableProcessors();
    private final ContainerLifeCycle lifecycle;

    public Engine(EngineSettings settings, EngineStores stores, EnginePorts ports, EngineReporting reporting) {
        this.settings = requireNonNull(settings, "settings is null");
        this.stores = requireNonNull(stores, "stores is null");
        this.runtime = ports.runtime();
        this.traffic = ports.traffic();
        InstantSource clock = settings.clock();
        Supplier<Optional<EngineInfo>> engineInfo = ports.engineInfo();
        BooleanSupplier containerIpsReachable = () -> engineInfo
                .get()
                .map(info -> info.supports(EngineInfo.Capability.CONTAINER_IP_REACHABLE))
                .orElse(true);
        this.ownership = new Ownership(settings.instance());
        this.networkLimiter = new DetectedNetworkLimiter(ports.networkLimiterDetection());
        this.networkLimits = new NetworkLimitEnforcer(runtime, networkLimiter, engineInfo, stores.journal());
        this.health = healthMonitor(runtime, stores, reporting, clock, containerIpsReachable);
        this.volumes = new PodVolumes(runtime, ownership, settings.volumeDirectory(), clock);
        this.routes = new RoutePublisher(
                stores.desired(), stores.status(), traffic, containerIpsReachable, health::isReady, health::isProbed);
        // network_limit is a step of the plan after every start (or the start is refused with the reason).
        this.pass = new ServicePass(
                runtime,
                ownership,
                stores.status(),
                clock,
                reporting.reconcile(),
                (service, podId) -> drain(podId),
                volumes,
                health,
                stores.journal(),
                stores.queue()::enqueueAfter,
                networkLimits);
        this.reconciler = new Reconciler(
                runtime, ownership, stores.desired(), stores.status(), stores.queue(), pass, stores.journal());
        this.reloader = new ConfigReloader(
                settings.configDirectory(),
                settings.apiPort(),
                settings.hostAccess(),
                stores.desired(),
                stores.queue(),
                clock,
                reporting.reloads());
        this.autoscaler = new AutoscaleLoop(
                stores.desired(),
                stores.status(),
                traffic,
                runtime,
                stores.queue(),
                stores.journal(),
                reporting.autoscale(),
                clock,
                hostCpus,
                AutoscaleLoop.STATS_CADENCE);
        this.images =
                new ImageWatcher(stores.desired(), stores.status(), runtime, stores.queue(), stores.journal(), clock);
        this.configuration = new ConfigurationParts(settings.configDirectory().root(), reloader);
        this.stateStore = stateStore(settings, stores);
        wireListeners(reporting.volumeMeters().apply(volumes));
        this.lifecycle = assemble(ports.upstream());
    }

    /** The state store under {@code --state-dir}, when there is one (the daemon's; none in tests and plans). */
    private Optional<StateStore> stateStore(EngineSettings settings, EngineStores stores) {
        return settings.stateDirectory()
                .map(directory -> new StateStore(
                        directory,
                        settings.clock(),
                        stores.desired(),
                        health.ledger(),
                        pass.rollouts(),
                        images,
                        stores.journal(),
                        this::autoscaleMark,
                        StateStore.SpecResolver.validating(settings.apiPort(), settings.hostAccess())));
    }

    private static HealthMonitor healthMonitor(
            ContainerRuntime runtime,
            EngineStores stores,
            EngineReporting reporting,
            InstantSource clock,
            BooleanSupplier containerIpsReachable) {
        return new HealthMonitor(
                stores.status(),
                new HostProbeRunner(runtime),
                new ThreadedProbeScheduler(),
                new RestartLedger(RestartBackoff.DEFAULT, new Random()),
                stores.journal(),
                reporting.health(),
                clock,
                containerIpsReachable);
    }

    /**
     * Every listener whose order matters, in that order. The status store runs its listeners in registration order on
     * the thread that changed it:
     *
     * <ol>
     *   <li>volumes first: inline files of pods that are gone are removed, then the volume meters are refreshed;
     *   <li>health before routes: a new container's probes exist (and it is "not ready") by the time routes are
     *       built, so the route publisher never lets an unprobed container of a probed service into traffic;
     *   <li>routes last: they read health's readiness.
     * </ol>
     *
     * Health's actions (drain, republish, reconcile) are bound once here, after the routes exist.
     */
    private void wireListeners(Runnable refreshVolumeMeters) {
        StatusStore status = stores.status();
        status.onChange(() -> {
            volumes.sweep(status.services());
            refreshVolumeMeters.run();
        });
        // Also with nothing changing: what a deleted service left within its grace period goes at a later resync.
        reconciler.onResync(() -> volumes.sweep(status.services()));
        status.onChange(health::sync);
        status.onChange(routes::publish);
        health.bind(new HealthMonitor.Actions() {
            @Override
            public void takeOutOfTraffic(String service, String podId) {
                drain(podId);
                routes.publish();
            }

            @Override
            public void readinessChanged(String service) {
                routes.publish();
                stores.queue().enqueue(service);
            }

            @Override
            public void reconcile(String service) {
                stores.queue().enqueue(service);
            }
        });
    }

    /**
     * The one lifecycle, in start order; it stops in reverse. The first load precedes the reconciler (whose first
     * sweep would otherwise take every pod for an orphan). The stop order is the one the daemon always had: the loops
     * stop first, then health stops probing, then the reconciler's workers end; the pods are removed (--on-exit stop)
     * while the proxy still drains them and the pod-start pool still exists; the container engine's client closes
     * last.
     */
    private ContainerLifeCycle assemble(List<Managed> upstream) {
        ContainerLifeCycle parts = new ContainerLifeCycle("orbit");
        parts.add(Managed.closing("container runtime client", runtime::close));
        upstream.forEach(parts::add);
        parts.add(networkLimiter);
        parts.add(Managed.closing("pod start pool", pass::close));
        parts.add(Managed.closing("pods on exit", this::onExit));
        // What the last run kept comes back before the first load (pins, tokens, good and failed specs, back-offs,
        // the journal); the autoscaler's counts right after it, before the first pass could scale anything down.
        stateStore.ifPresent(store -> parts.add(Managed.of("state restore", store::restore, Managed.Action.NOTHING)));
        parts.add(configuration.firstLoad());
        stateStore.ifPresent(store -> parts.add(Managed.of(
                "state store",
                () -> {
                    store.restoreAutoscaled(autoscaler::autoscales, runningPods());
                    store.start();
                },
                store::close)));
        parts.add(Managed.of(
                "reconciler",
                () -> {
                    reconciler.publishFirstObservation();
                    reconciler.start(WORKERS, RESYNC_INTERVAL);
                },
                reconciler::close));
        parts.add(Managed.closing("health monitor", health::close));
        parts.add(configuration.watcher());
        parts.add(Managed.of("image watcher", images::start, images::close));
        parts.add(Managed.of("autoscaler", autoscaler::start, autoscaler::close));
        return parts;
    }

    /** The running pods per service; empty (no floor but the kept counts) when the engine does not answer. */
    private Map<String, Integer> runningPods() {
        try {
            return RunningPods.count(runtime, ownership.all());
        } catch (RuntimeException e) {
            log.atWarn()
                    .log("cannot list the running pods at the start (" + e.getMessage()
                            + "); autoscaled services start from their kept counts only");
            return Map.of();
        }
    }

    /** What the state store saves beside an autoscaled count: the last decision's time and the window. */
    private StateStore.AutoscaleMark autoscaleMark(String service) {
        Optional<Instant> decidedAt = autoscaler
                .status(service)
                .flatMap(AutoscaleStatus::lastDecision)
                .map(ScalingDecision::at);
        return new StateStore.AutoscaleMark(decidedAt, autoscaler.stabilizationWindow(service));
    }

    /** The state store, when the engine has a state directory. */
    public Optional<StateStore> stateStore() {
        return stateStore;
    }

    /** The one lifecycle of the engine (and of the parts the daemon adds to it). */
    public ContainerLifeCycle lifecycle() {
        return lifecycle;
    }

    /** Re-reads the config directory now (SIGHUP, {@code systemctl reload}). */
    public void reload() {
        reloader.reload();
    }

    /** Draining waits for in-flight requests, at most the drain timeout (Orbit slept a fixed 10 s). */
    private void drain(String podId) {
        Set<String> backends = routes.backendsOf(podId);
        if (!backends.isEmpty()) {
            traffic.drain(backends, settings.drainTimeout());
        }
    }

    /** With --on-exit stop every pod is removed (the reconciler's workers have stopped); otherwise pods stay. */
    private void onExit() {
        if (!settings.stopPodsOnExit()) {
            log.atInfo().log("leaving the pods running for the next start to adopt (--on-exit keep)");
            return;
        }
        Set<String> services = stores.status().services().keySet();
        log.atInfo().addKeyValue("services", services.size()).log("stopping every pod (--on-exit stop)");
        stores.desired()
                .replace(new DesiredState.Snapshot(
                        Map.of(), List.of(), settings.clock().instant()));
        for (String service : services) {
            reconciler.reconcile(service);
        }
    }

    public DesiredState desired() {
        return stores.desired();
    }

    public StatusStore status() {
        return stores.status();
    }

    public EventJournal journal() {
        return stores.journal();
    }

    public ReconcileQueue queue() {
        return stores.queue();
    }

    public Ownership ownership() {
        return ownership;
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    public ServicePass pass() {
        return pass;
    }

    public HealthMonitor health() {
        return health;
    }

    public PodVolumes volumes() {
        return volumes;
    }

    public RoutePublisher routes() {
        return routes;
    }

    public NetworkLimitEnforcer networkLimits() {
        return networkLimits;
    }

    public AutoscaleLoop autoscaler() {
        return autoscaler;
    }

    public ImageWatcher images() {
        return images;
    }
}
