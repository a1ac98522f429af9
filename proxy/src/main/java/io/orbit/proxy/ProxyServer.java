package io.orbit.proxy;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.orbit.engine.routing.ActivationListener;
import io.orbit.engine.routing.Backend;
import io.orbit.engine.routing.Route;
import io.orbit.engine.routing.RouteTable;
import io.orbit.engine.routing.ServiceTraffic;
import io.orbit.engine.routing.TrafficControl;
import io.orbit.proxy.internal.Activator;
import io.orbit.proxy.internal.BackendState;
import io.orbit.proxy.internal.Balancer;
import io.orbit.proxy.internal.HealthChecker;
import io.orbit.proxy.internal.HealthTracker;
import io.orbit.proxy.internal.LatencyShedder;
import io.orbit.proxy.internal.OutlierDetector;
import io.orbit.proxy.internal.PortListener;
import io.orbit.proxy.internal.ProxyBuffers;
import io.orbit.proxy.internal.RetryBudget;
import io.orbit.proxy.internal.RouteMetrics;
import io.orbit.proxy.internal.RouteState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane: one Jetty {@link Server} with one connector per node port of the published {@link RouteTable}, a
 * health-checking load balancer per port, and an HTTP/1.1 data path on Jetty's Connection/EndPoint layer.
 *
 * <pre>
 * Server (QueuedThreadPool "orbit-proxy", no Handler)
 *  ├── ProxyConnector :nodePort A ── selectors ── DownstreamConnection ⇄ UpstreamConnection (pooled per backend)
 *  └── ProxyConnector :nodePort B ── …
 * HealthChecker ("orbit-proxy-health" timer + virtual-thread probes)
 * </pre>
 *
 * <p>{@link #publish} and {@link #drain} come from the engine's thread; the only monitors a request shares with other
 * connections are held for a few pointer updates: its backend's keep-alive pool and its listener's idle list (the
 * connection limit's eviction order). Bind failures do not throw: they are logged with the port and the fix, retried every few seconds and
 * reported by {@link #listeners()}.
 *
 * <p>Longer than 300 lines: the proxy's one public surface (publish, drain, listeners, metrics) over the Jetty server it owns; the data path itself is in internal.
 */
public final class ProxyServer implements TrafficControl, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);
    private static final int RETRY_BURST = 100;
    private static final int RETRY_MIN_PER_SECOND = 10;

    private final ProxyOptions options;
    private final ProxyBuffers buffers;
    private final MeterRegistry registry;
    private final Server server;
    private final QueuedThreadPool threadPool;
    private final ScheduledExecutorScheduler scheduler;
    private final HealthChecker healthChecker = new HealthChecker(this::backendReady);
    private final ScheduledExecutorService rebinder = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("orbit-proxy-rebind").daemon().factory());
    private final Map<Integer, Port> ports = new ConcurrentHashMap<>();
    private final Map<String, BackendState> backends = new ConcurrentHashMap<>();
    private RouteTable table = RouteTable.EMPTY;
    private volatile ActivationListener activationListener = ActivationListener.NONE;
    private boolean started;
    private boolean closed;

    /** A node port: its listener when bound, and what it serves. */
    private static final class Port {
        final int nodePort;
        RouteState route;

        @Nullable
        PortListener listener;

        ListenerState state;

        Port(int nodePort, RouteState route, ListenerState state) {
            this.nodePort = nodePort;
            this.route = route;
            this.state = state;
        }
    }

    public ProxyServer(ProxyOptions options, MeterRegistry registry) {
        this.options = requireNonNull(options, "options is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.buffers = ProxyBuffers.of(options);
        this.threadPool = new QueuedThreadPool(256, 2, 60_000);
        threadPool.setName("orbit-proxy");
        threadPool.setReservedThreads(0);
        threadPool.setDaemon(true);
        this.server = new Server(threadPool);
        this.scheduler = new ScheduledExecutorScheduler("orbit-proxy-timer", true);
        server.addBean(scheduler);
        server.setStopTimeout(1000);
    }

    public synchronized void start() throws Exception {
        if (started) {
            return;
        }
        server.start();
        started = true;
        rebinder.scheduleWithFixedDelay(this::rebindFailed, 5, 5, TimeUnit.SECONDS);
        apply(table);
    }

    @Override
    public synchronized void publish(RouteTable table) {
        requireNonNull(table, "table is null");
        this.table = table;
        if (started && !closed) {
            apply(table);
        }
    }

    /** Every node port of the current table, bound or failed. */
    public synchronized Map<Integer, ListenerState> listeners() {
        Map<Integer, ListenerState> states = new TreeMap<>();
        ports.forEach((port, state) -> states.put(port, state.state));
        return states;
    }

    /** The backends' state, for status views and tests. */
    public Optional<BackendState> backend(String backendId) {
        return Optional.ofNullable(backends.get(backendId));
    }

    /** Every node port's request durations, for {@code /metrics} and the dashboard; never read on the request path. */
    public synchronized List<RequestDurations.Snapshot> requestDurations() {
        List<RequestDurations.Snapshot> snapshots = new ArrayList<>();
        for (Port port : ports.values()) {
            snapshots.add(port.route.metricsFor().durations().snapshot());
        }
        return snapshots;
    }

    /**
     * A copy of every routed service's counters (in flight and upgraded per backend, CoDel's last interval), for the
     * autoscaler: read under the publish lock every few seconds, never on the request path.
     */
    @Override
    public synchronized Map<String, ServiceTraffic> traffic() {
        Map<String, ServiceTraffic> traffic = new TreeMap<>();
        for (Port port : ports.values()) {
            RouteState route = port.route;
            List<ServiceTraffic.BackendTraffic> counts = new ArrayList<>();
            for (BackendState backend : route.backends()) {
                counts.add(new ServiceTraffic.BackendTraffic(
                        backend.id(), backend.backend().podId(), backend.inFlight(), backend.upgraded()));
            }
            Optional<ServiceTraffic.Latency> latency = Optional.empty();
            LatencyShedder shedder = route.shedder();
            if (shedder != null) {
                LatencyShedder.Window window = shedder.lastWindow();
                if (window.recent() && window.requests() > 0) {
                    latency = Optional.of(
                            new ServiceTraffic.Latency(Duration.ofNanos(window.minNanos()), window.requests()));
                }
            }
            Activator activator = route.activator();
            int pending = activator == null ? 0 : activator.pending();
            ServiceTraffic service = new ServiceTraffic(route.route().service(), counts, pending, latency);
            traffic.merge(service.service(), service, ServiceTraffic::merge);
        }
        return traffic;
    }

    @Override
    public void activations(ActivationListener listener) {
        this.activationListener = requireNonNull(listener, "listener is null");
    }

    /** The first held request of an activation: the engine hears of it on a pool thread, never the selector's. */
    private void activationRequested(String service) {
        ActivationListener listener = activationListener;
        try {
            threadPool.execute(() -> listener.activationRequested(service));
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** A backend passed its first probe (or came back UP): the requests its routes hold may go. */
    private void backendReady(BackendState backend) {
        for (Port port : ports.values()) {
            PortListener listener = port.listener;
            RouteState route = listener == null ? port.route : listener.route();
            Activator activator = route.activator();
            if (activator != null && activator.pending() > 0 && route.backends().contains(backend)) {
                activator.wake();
            }
        }
    }

    @Override
    public void drain(Set<String> backendIds, Duration timeout) {
        List<BackendState> draining = new ArrayList<>();
        for (String id : backendIds) {
            BackendState backend = backends.get(id);
            if (backend != null) {
                backend.startDraining();
                draining.add(backend);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        int inFlight = inFlight(draining);
        while (inFlight > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            inFlight = inFlight(draining);
        }
        if (inFlight > 0) {
            log.atWarn()
                    .addKeyValue("backends", backendIds)
                    .addKeyValue("in_flight", inFlight)
                    .addKeyValue("timeout", timeout)
                    .log("Drain timed out with requests still in flight");
        } else if (!draining.isEmpty()) {
            log.atDebug().addKeyValue("backends", backendIds).log("Drained");
        }
    }

    private static int inFlight(List<BackendState> backends) {
        int total = 0;
        for (BackendState backend : backends) {
            total += backend.inFlight();
        }
        return total;
    }

    private void apply(RouteTable table) {
        Set<String> referenced = new HashSet<>();
        // Backends replaced by a new address are retired last, once every listener routes to their successors: their
        // aborted connects retry on the new route.
        List<BackendState> replaced = new ArrayList<>();
        for (Map.Entry<Integer, Route> entry : table.routes().entrySet()) {
            int nodePort = entry.getKey();
            Route route = entry.getValue();
            Port port = ports.get(nodePort);
            if (port != null && !port.route.route().service().equals(route.service())) {
                teardown(port);
                ports.remove(nodePort);
                port = null;
            }
            List<BackendState> states = new ArrayList<>();
            for (Backend backend : route.backends()) {
                BackendState state = backendState(backend, route, replaced);
                states.add(state);
                referenced.add(backend.id());
            }
            RouteState previous = port == null ? null : port.route;
            RouteState routeState = routeState(route, states, previous);
            if (port == null) {
                port = new Port(nodePort, routeState, failed(nodePort, route.service(), "not started"));
                ports.put(nodePort, port);
            } else {
                forgetBackendsOf(port.route, states);
                port.route = routeState;
            }
            states.forEach(routeState.metricsFor()::addBackend);
            PortListener listener = port.listener;
            if (listener != null) {
                listener.route(routeState);
            } else {
                bind(port);
            }
            // Held requests go as soon as the published route has a ready backend (an engine-verified one is ready at
            // once); a route that stopped activating answers them.
            Activator activator = routeState.activator();
            if (activator != null) {
                activator.wake();
            }
            Activator before = previous == null ? null : previous.activator();
            if (before != null && before != activator) {
                before.wake();
            }
        }
        for (Port port : new ArrayList<>(ports.values())) {
            if (!table.routes().containsKey(port.nodePort)) {
                teardown(port);
                ports.remove(port.nodePort);
            }
        }
        for (BackendState backend : new ArrayList<>(backends.values())) {
            if (!referenced.contains(backend.id())) {
                retire(backend);
            }
        }
        replaced.forEach(this::retire);
    }

    private BackendState backendState(Backend backend, Route route, List<BackendState> replaced) {
        BackendState state = backends.get(backend.id());
        if (state != null && !state.backend().equals(backend)) {
            replaced.add(state);
            state = null;
        }
        if (state == null) {
            Route.HealthCheck check = route.healthCheck();
            state = new BackendState(
                    backend,
                    new HealthTracker(check.fall(), check.rise(), backend.verified()),
                    options.maxIdleConnectionsPerBackend());
            backends.put(backend.id(), state);
        }
        healthChecker.watch(state, route.service(), route.healthCheck());
        return state;
    }

    private void retire(BackendState backend) {
        backends.remove(backend.id(), backend);
        healthChecker.unwatch(backend);
        backend.markRemoved();
    }

    private RouteState routeState(Route route, List<BackendState> states, @Nullable RouteState previous) {
        // The same service keeps its metrics, balancer, budget and outlier state across a route update.
        RouteState same = previous != null && previous.route().service().equals(route.service()) ? previous : null;
        RouteMetrics metrics = same != null
                ? same.metricsFor()
                : new RouteMetrics(registry, route.service(), route.nodePort(), () -> portBackends(route.nodePort()));
        LatencyShedder shedder = null;
        if (route.shedding().isPresent()) {
            Route.Shedding shedding = route.shedding().get();
            if (same != null
                    && same.shedder() != null
                    && same.route().shedding().equals(route.shedding())) {
                shedder = same.shedder();
            } else {
                shedder = new LatencyShedder(
                        shedding.target().toNanos(),
                        shedding.interval().toNanos(),
                        System::nanoTime,
                        shedding.statusCode() != Route.Shedding.MEASURE_ONLY);
            }
        }
        Activator activator = null;
        if (route.activation().isPresent()) {
            Route.Activation activation = route.activation().get();
            if (same != null && same.activator() != null) {
                activator = same.activator();
                activator.settings(activation);
            } else {
                activator = new Activator(
                        route.service(), activation, this::schedule, threadPool, this::activationRequested);
            }
        }
        return new RouteState(
                route,
                states,
                same != null ? same.balancerFor() : Balancer.of(options.loadBalancing()),
                shedder,
                same != null
                        ? same.retryBudgetFor()
                        : new RetryBudget(
                                options.retryBudgetRatio(), RETRY_BURST, RETRY_MIN_PER_SECOND, System::nanoTime),
                same != null
                        ? same.outliersFor()
                        : new OutlierDetector(
                                options.ejectAfterConsecutiveErrors(),
                                options.baseEjection().toNanos(),
                                options.maxEjection().toNanos(),
                                options.maxEjectedPercent(),
                                System::nanoTime),
                metrics,
                activator);
    }

    /** The activators' deadlines run on the proxy's timer. */
    private Runnable schedule(Runnable task, long delayNanos) {
        Scheduler.Task scheduled = scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return scheduled::cancel;
    }

    private List<BackendState> portBackends(int nodePort) {
        Port port = ports.get(nodePort);
        return port == null ? List.of() : port.route.backends();
    }

    private void forgetBackendsOf(RouteState previous, List<BackendState> current) {
        Set<String> kept = new HashSet<>();
        current.forEach(backend -> kept.add(backend.id()));
        for (BackendState backend : previous.backends()) {
            if (!kept.contains(backend.id())) {
                previous.metricsFor().removeBackend(backend.id());
            }
        }
    }

    private void bind(Port port) {
        Route route = port.route.route();
        PortListener listener =
                new PortListener(server, threadPool, scheduler, options, buffers, port.nodePort, port.route);
        try {
            listener.connector().start();
            server.addConnector(listener.connector());
            port.listener = listener;
            port.state =
                    new ListenerState(port.nodePort, route.service(), ListenerState.Status.LISTENING, Optional.empty());
            log.atInfo()
                    .addKeyValue("service", route.service())
                    .addKeyValue("address", options.bindHost() + ":" + port.nodePort)
                    .log("Listening");
        } catch (Exception e) {
            try {
                listener.connector().stop();
            } catch (Exception stopFailure) {
                e.addSuppressed(stopFailure);
            }
            String cause = rootMessage(e);
            String problem = "cannot listen on " + options.bindHost() + ":" + port.nodePort + " for service '"
                    + route.service() + "': " + cause + "; free the port (find its owner with `ss -ltnp 'sport = :"
                    + port.nodePort + "'`) or change the service's node_port — retrying every 5 s";
            if (!Objects.equals(port.state.problem().orElse(null), problem)) {
                log.atError()
                        .addKeyValue("service", route.service())
                        .addKeyValue("node_port", port.nodePort)
                        .log(problem);
            }
            port.state = failed(port.nodePort, route.service(), problem);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    private static ListenerState failed(int nodePort, String service, String problem) {
        return new ListenerState(nodePort, service, ListenerState.Status.FAILED, Optional.of(problem));
    }

    private synchronized void rebindFailed() {
        if (closed) {
            return;
        }
        for (Port port : ports.values()) {
            if (port.listener == null) {
                bind(port);
            }
        }
    }

    /** The shared thread pool runs: a listener's teardown must never stop it (tests check). */
    boolean threadPoolRunning() {
        return threadPool.isRunning();
    }

    private void teardown(Port port) {
        PortListener listener = port.listener;
        port.listener = null;
        if (listener != null) {
            try {
                listener.connector().stop();
            } catch (Exception e) {
                log.atWarn()
                        .addKeyValue("node_port", port.nodePort)
                        .addKeyValue("error", e.toString())
                        .log("Stopping a listener failed");
            }
            server.removeConnector(listener.connector());
            log.atInfo()
                    .addKeyValue("service", port.route.route().service())
                    .addKeyValue("node_port", port.nodePort)
                    .log("Stopped listening");
        }
        port.route.metricsFor().close();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        rebinder.shutdownNow();
        for (Port port : ports.values()) {
            teardown(port);
        }
        ports.clear();
        new ArrayList<>(backends.values()).forEach(this::retire);
        healthChecker.close();
        try {
            server.stop();
        } catch (Exception e) {
            log.atWarn().addKeyValue("error", e.toString()).log("Stopping the proxy server failed");
        }
    }

    /** Test and status hook: bound port numbers are the node ports themselves. */
    public synchronized Map<Integer, Integer> connectionsPerPort() {
        Map<Integer, Integer> connections = new HashMap<>();
        ports.forEach((nodePort, port) -> {
            PortListener listener = port.listener;
            connections.put(nodePort, listener == null ? 0 : listener.connections());
        });
        return connections;
    }

    /** Test and status hook: client connections with no request in progress, per node port (see PortListener). */
    public synchronized Map<Integer, Integer> idleConnectionsPerPort() {
        Map<Integer, Integer> idle = new HashMap<>();
        ports.forEach((nodePort, port) -> {
            PortListener listener = port.listener;
            idle.put(nodePort, listener == null ? 0 : listener.idleConnections());
        });
        return idle;
    }
}
