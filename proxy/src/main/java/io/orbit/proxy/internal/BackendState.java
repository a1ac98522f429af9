package io.orbit.proxy.internal;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.routing.Backend;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Everything the proxy keeps about one backend across route-table versions (keyed by {@link Backend#id()}): active
 * health, passive ejection, in-flight and upgraded counts, draining, and its keep-alive pool of idle upstream
 * connections (LIFO: the most recently used connection is the least likely to have been closed by the backend).
 */
public final class BackendState {

    private final Backend backend;
    private final InetSocketAddress address;
    private final HealthTracker health;
    private final OutlierDetector.Record outlier = new OutlierDetector.Record();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger upgraded = new AtomicInteger();
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    /** Connects in progress: only new connections pay for this (a pooled connection needs none). */
    private final Set<PendingConnect> connecting = ConcurrentHashMap.newKeySet();

    private final int maxIdle;
    private volatile boolean draining;
    private volatile boolean removed;

    public BackendState(Backend backend, HealthTracker health, int maxIdle) {
        this.backend = requireNonNull(backend, "backend is null");
        this.address = InetSocketAddress.createUnresolved(backend.host(), backend.port());
        this.health = requireNonNull(health, "health is null");
        this.maxIdle = maxIdle;
    }

    public Backend backend() {
        return backend;
    }

    public String id() {
        return backend.id();
    }

    /** Resolved on use: container IPs are literals, so this does no DNS in practice. */
    InetSocketAddress socketAddress() {
        return address.isUnresolved() ? new InetSocketAddress(backend.host(), backend.port()) : address;
    }

    public HealthTracker health() {
        return health;
    }

    public OutlierDetector.Record outlier() {
        return outlier;
    }

    public boolean isReady(long nowNanos) {
        return health.status() == HealthTracker.Status.UP && !draining && !removed && !outlier.isEjected(nowNanos);
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int upgraded() {
        return upgraded.get();
    }

    void requestStarted() {
        inFlight.incrementAndGet();
    }

    void requestEnded() {
        inFlight.decrementAndGet();
    }

    void upgradeStarted() {
        upgraded.incrementAndGet();
    }

    void upgradeEnded() {
        upgraded.decrementAndGet();
    }

    public boolean isDraining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
        closeIdleConnections();
    }

    /** A backend that reappears in a later table after a drain serves again. */
    public void stopDraining() {
        draining = false;
    }

    /**
     * The backend left the route table (deleted, or replaced by a new address under the same id). Connects still in
     * progress are failed at once so their requests retry on the current backends: a connect to the IP of a container
     * that died can otherwise hang for seconds in ARP before the kernel reports "no route to host".
     */
    public void markRemoved() {
        removed = true;
        closeIdleConnections();
        for (PendingConnect connect : connecting) {
            connect.failed(new ConnectException("backend " + id() + " left the route table while connecting"));
        }
    }

    void connectStarted(PendingConnect connect) {
        connecting.add(connect);
    }

    void connectEnded(PendingConnect connect) {
        connecting.remove(connect);
    }

    public boolean isRemoved() {
        return removed;
    }

    /** The most recently released open idle connection, bound to nobody yet, or null. */
    @Nullable
    UpstreamConnection acquireIdle() {
        while (true) {
            UpstreamConnection connection;
            synchronized (idle) {
                connection = idle.pollFirst();
                if (connection == null) {
                    return null;
                }
                connection.leavePool();
            }
            if (connection.isOpen()) {
                return connection;
            }
        }
    }

    /** Returns false (and the caller closes the connection) when the pool is full or the backend not serving. */
    boolean releaseIdle(UpstreamConnection connection) {
        if (removed || draining || health.status() == HealthTracker.Status.DOWN) {
            return false;
        }
        synchronized (idle) {
            if (idle.size() >= maxIdle) {
                return false;
            }
            connection.enterPool(this);
            idle.addFirst(connection);
            return true;
        }
    }

    /** Takes a connection out of the pool if it is still there (its own read or timeout found it dead). */
    boolean removeIdle(UpstreamConnection connection) {
        synchronized (idle) {
            if (idle.remove(connection)) {
                connection.leavePool();
                return true;
            }
            return false;
        }
    }

    public void closeIdleConnections() {
        List<UpstreamConnection> closing;
        synchronized (idle) {
            closing = new ArrayList<>(idle);
            idle.clear();
            closing.forEach(UpstreamConnection::leavePool);
        }
        closing.forEach(UpstreamConnection::close);
    }

    int idleCount() {
        synchronized (idle) {
            return idle.size();
        }
    }

    @Override
    public String toString() {
        return backend.id() + "@" + backend.address();
    }
}
