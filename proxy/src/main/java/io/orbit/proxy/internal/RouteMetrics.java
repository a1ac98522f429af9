package io.orbit.proxy.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.orbit.proxy.RequestDurations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * The meters of one node port. Orbit's single {@code service="<svc>__<port>"} label is split into {@code service} and
 * {@code node_port}. Tags stay bounded: the backend id appears only on the per-backend in-flight gauge, which is
 * removed with the backend; everything is removed when the route goes.
 *
 * <ul>
 *   <li>{@code orbit.requests} (orbit_requests_total): every response the proxy sent, proxied or its own;
 *   <li>{@code orbit.service.requests{service,node_port,status}} (orbit_service_requests_total);
 *   <li>{@code orbit_service_request_duration_seconds{service,node_port}}: request received to response complete, a
 *       histogram kept in {@link RequestDurations} (not a Micrometer timer: see there) and published by whoever serves
 *       the metrics, from {@link #durations()};
 *   <li>{@code orbit.service.inflight{service,node_port}}, {@code orbit.backend.inflight{service,node_port,backend}};
 *   <li>{@code orbit.proxy.retries}, {@code orbit.proxy.ejections}, {@code orbit.proxy.upstream.connect.errors}
 *       {service,node_port};
 *   <li>{@code orbit.proxy.connections.rejected{service,node_port,reason}} (orbit_proxy_connections_rejected_total):
 *       client connections closed by a limit: on accept, {@code reason} {@value #PER_CLIENT_LIMIT} or {@value
 *       #LISTENER_LIMIT}; when a buffer was needed and the proxy's buffer pool was at its bound, {@value
 *       #BUFFER_LIMIT};
 *   <li>{@code orbit.proxy.connections.evicted{service,node_port}} (orbit_proxy_connections_evicted_total): idle
 *       client connections closed at the listener's limit to admit a new one.
 * </ul>
 */
public final class RouteMetrics {

    /** Rejection reason: the client address already holds its maximum of connections on this node port. */
    static final String PER_CLIENT_LIMIT = "per_client_limit";

    /** Rejection reason: the node port is at its connection limit and no connection is idle. */
    static final String LISTENER_LIMIT = "listener_limit";

    /** Rejection reason: a connection needed a buffer and the proxy's buffer pool was at its bound. */
    static final String BUFFER_LIMIT = "buffer_limit";

    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter requests;
    private final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(600);
    private final RequestDurations durations;
    private final Counter retries;
    private final Counter ejections;
    private final Counter connectErrors;
    private final Counter rejectedPerClient;
    private final Counter rejectedAtLimit;
    private final Counter rejectedNoBuffer;
    private final Counter evicted;
    private final List<Meter> owned = new ArrayList<>();
    private final Map<String, Gauge> backendGauges = new ConcurrentHashMap<>();

    public RouteMetrics(MeterRegistry registry, String service, int nodePort, Supplier<List<BackendState>> backends) {
        this.registry = registry;
        this.tags = Tags.of("service", service, "node_port", Integer.toString(nodePort));
        this.requests = Counter.builder("orbit.requests")
                .description("Responses sent by the proxy")
                .register(registry);
        this.durations = new RequestDurations(service, nodePort);
        this.retries = own(Counter.builder("orbit.proxy.retries")
                .description("Requests re-sent to another backend")
                .tags(tags)
                .register(registry));
        this.ejections = own(Counter.builder("orbit.proxy.ejections")
                .description("Backends ejected after consecutive errors")
                .tags(tags)
                .register(registry));
        this.connectErrors = own(Counter.builder("orbit.proxy.upstream.connect.errors")
                .description("Failed connects to backends")
                .tags(tags)
                .register(registry));
        this.rejectedPerClient = own(rejectedCounter(registry, PER_CLIENT_LIMIT));
        this.rejectedAtLimit = own(rejectedCounter(registry, LISTENER_LIMIT));
        this.rejectedNoBuffer = own(rejectedCounter(registry, BUFFER_LIMIT));
        this.evicted = own(Counter.builder("orbit.proxy.connections.evicted")
                .description("Idle client connections closed at the node port's connection limit to admit a new one")
                .tags(tags)
                .register(registry));
        own(Gauge.builder(
                        "orbit.service.inflight",
                        backends,
                        list -> list.get().stream()
                                .mapToInt(BackendState::inFlight)
                                .sum())
                .description("In-flight requests of the service on this node port (upgraded connections excluded)")
                .tags(tags)
                .strongReference(true)
                .register(registry));
    }

    private Counter rejectedCounter(MeterRegistry registry, String reason) {
        return Counter.builder("orbit.proxy.connections.rejected")
                .description("Client connections closed by a limit (on accept, or when no buffer could be had)")
                .tags(tags)
                .tag("reason", reason)
                .register(registry);
    }

    private <M extends Meter> M own(M meter) {
        owned.add(meter);
        return meter;
    }

    void response(int status, long durationNanos) {
        statusCounter(status).increment();
        durations.record(durationNanos);
        requests.increment(); // last: whoever sees it counted sees the rest too
    }

    private Counter statusCounter(int status) {
        int index = status >= 100 && status < 600 ? status : 0;
        Counter counter = byStatus.get(index);
        if (counter == null) {
            counter = Counter.builder("orbit.service.requests")
                    .description("Responses by status, proxied or generated by the proxy")
                    .tags(tags)
                    .tag("status", Integer.toString(status))
                    .register(registry);
            if (byStatus.compareAndSet(index, null, counter)) {
                synchronized (owned) {
                    owned.add(counter);
                }
            } else {
                counter = byStatus.get(index);
            }
        }
        return counter;
    }

    /** This node port's request durations. */
    public RequestDurations durations() {
        return durations;
    }

    void retried() {
        retries.increment();
    }

    void ejected() {
        ejections.increment();
    }

    void connectFailed() {
        connectErrors.increment();
    }

    void rejectedPerClient() {
        rejectedPerClient.increment();
    }

    void rejectedAtLimit() {
        rejectedAtLimit.increment();
    }

    void rejectedNoBuffer() {
        rejectedNoBuffer.increment();
    }

    void connectionEvicted() {
        evicted.increment();
    }

    public void addBackend(BackendState backend) {
        backendGauges.computeIfAbsent(
                backend.id(),
                id -> Gauge.builder("orbit.backend.inflight", backend, BackendState::inFlight)
                        .description("In-flight requests of one backend")
                        .tags(tags)
                        .tag("backend", id)
                        .strongReference(true)
                        .register(registry));
    }

    public void removeBackend(String backendId) {
        Gauge gauge = backendGauges.remove(backendId);
        if (gauge != null) {
            registry.remove(gauge);
        }
    }

    public void close() {
        backendGauges.keySet().forEach(this::removeBackend);
        synchronized (owned) {
            owned.forEach(registry::remove);
            owned.clear();
        }
    }
}
