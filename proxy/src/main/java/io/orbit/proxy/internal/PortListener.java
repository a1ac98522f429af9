package io.orbit.proxy.internal;

import static java.util.Objects.requireNonNull;

import io.orbit.proxy.ProxyOptions;
import java.net.InetAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node port: its connector, the route its connections read (replaced atomically on publish; in-flight exchanges
 * finish on the version they started with) and its connection limits.
 *
 * <p>Limits, checked when a connection opens: at most {@link ProxyOptions#maxConnectionsPerClient()} per remote
 * address (over it the new connection is closed at once), and at most {@link ProxyOptions#maxConnectionsPerListener()}
 * in all. At that limit the least recently idle connection (one with no request in progress, see {@link
 * IdleConnections}) is closed to admit the new one; only when none is idle is the new one closed. So a flood of silent
 * connections cannot lock new clients out: each new client pushes out the flood's oldest connection.
 */
public final class PortListener {

    private static final Logger log = LoggerFactory.getLogger(PortListener.class);
    /** Refusals and evictions are logged at most once per this interval (per address for the per-client limit). */
    static final long LIMIT_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Victims tried per admission: a victim that starts a request between poll and claim is skipped. */
    private static final int MAX_EVICTION_ATTEMPTS = 16;

    private final ProxyOptions options;
    private final ProxyBuffers buffers;
    private final ProxyConnector connector;
    private final AtomicInteger connections = new AtomicInteger();
    private final IdleConnections<ClientConnection> idle = new IdleConnections<>();
    private final ClientAddressLimit perClient;
    private volatile RouteState route;

    // The listener-limit log line: what happened since the last one (guarded by this).
    private long evictedSinceLine;
    private long refusedSinceLine;
    private boolean limitLogged;
    private long limitLineNanos;

    public PortListener(
            Server server,
            Executor executor,
            Scheduler scheduler,
            ProxyOptions options,
            ProxyBuffers buffers,
            int port,
            RouteState route) {
        this.options = requireNonNull(options, "options is null");
        this.buffers = requireNonNull(buffers, "buffers is null");
        this.route = requireNonNull(route, "route is null");
        this.perClient =
                new ClientAddressLimit(options.maxConnectionsPerClient(), LIMIT_LOG_INTERVAL_NANOS, System::nanoTime);
        this.connector = new ProxyConnector(
                server, executor, scheduler, options.selectorsPerListener(), new ProxyConnectionFactory());
        // The thread pool and scheduler are the server's, shared by every listener: a connector given them explicitly
        // manages them, and stopping one service's listener would then stop them for all (a 5 s wait on the pool's
        // own threads, then a proxy without threads).
        connector.unmanage(executor);
        connector.unmanage(scheduler);
        connector.setHost(options.bindHost());
        connector.setPort(port);
        connector.setReuseAddress(true);
        connector.setIdleTimeout(options.clientIdleTimeout().toMillis());
        connector.setAcceptQueueSize(1024);
        connector
                .getSelectorManager()
                .setConnectTimeout(options.connectTimeout().toMillis());
        connector.setName("orbit-" + route.route().service() + "-" + port);
    }

    public ServerConnector connector() {
        return connector;
    }

    ProxyConnector proxyConnector() {
        return connector;
    }

    public RouteState route() {
        return route;
    }

    public void route(RouteState route) {
        this.route = requireNonNull(route, "route is null");
    }

    ProxyOptions options() {
        return options;
    }

    ProxyBuffers buffers() {
        return buffers;
    }

    /** A connection of this node port was closed because a buffer pool was exhausted (the pool logs it). */
    void bufferExhausted() {
        route.metricsFor().rejectedNoBuffer();
    }

    IdleConnections<ClientConnection> idle() {
        return idle;
    }

    /**
     * Counts a new connection from {@code address} against both limits, closing the least recently idle connection
     * when the listener is full. False when the connection must be closed (its address is at its limit, or nothing is
     * idle); it is then not counted. Called on accept, holding no connection's monitor (no connection holds a buffer
     * before it has bytes to read, see {@link ProxyBuffers}).
     */
    boolean admit(@Nullable InetAddress address) {
        RouteState current = route;
        RouteMetrics metrics = current.metricsFor();
        if (address != null) {
            ClientAddressLimit.Refusal refusal = perClient.tryAcquire(address);
            if (refusal != null) {
                metrics.rejectedPerClient();
                if (refusal.log()) {
                    log.atWarn()
                            .addKeyValue("service", current.route().service())
                            .addKeyValue("node_port", connector.getPort())
                            .addKeyValue("client", address.getHostAddress())
                            .addKeyValue("limit", options.maxConnectionsPerClient())
                            .addKeyValue("refused", refusal.refusedSinceLastLine())
                            .log("Client address at its connection limit: closing its new connections (logged once a"
                                    + " minute per address; raise --proxy-max-connections-per-client if it is a"
                                    + " legitimate gateway)");
                }
                return false;
            }
        }
        if (connections.incrementAndGet() <= options.maxConnectionsPerListener()) {
            return true;
        }
        boolean evicted = evictOldestIdle();
        if (evicted) {
            metrics.connectionEvicted();
        } else {
            connections.decrementAndGet();
            if (address != null) {
                perClient.release(address);
            }
            metrics.rejectedAtLimit();
        }
        reportLimit(current, evicted);
        return evicted;
    }

    /** True when an idle connection was closed and its slot handed over. */
    private boolean evictOldestIdle() {
        for (int attempt = 0; attempt < MAX_EVICTION_ATTEMPTS; attempt++) {
            IdleConnections.Node<ClientConnection> victim = idle.pollOldest();
            if (victim == null) {
                return false;
            }
            if (victim.owner.evict()) {
                return true;
            }
        }
        return false;
    }

    private synchronized void reportLimit(RouteState current, boolean evicted) {
        if (evicted) {
            evictedSinceLine++;
        } else {
            refusedSinceLine++;
        }
        long now = System.nanoTime();
        if (limitLogged && now - limitLineNanos < LIMIT_LOG_INTERVAL_NANOS) {
            return;
        }
        log.atWarn()
                .addKeyValue("service", current.route().service())
                .addKeyValue("node_port", connector.getPort())
                .addKeyValue("limit", options.maxConnectionsPerListener())
                .addKeyValue("evicted", evictedSinceLine)
                .addKeyValue("refused", refusedSinceLine)
                .log("Connection limit reached: closing the least recently idle connections for new ones, refusing"
                        + " new ones when none is idle (logged once a minute)");
        limitLogged = true;
        limitLineNanos = now;
        evictedSinceLine = 0;
        refusedSinceLine = 0;
    }

    /** A connection counted by {@link #admit} closed (or was evicted, or never got built). */
    void release(@Nullable InetAddress address) {
        connections.decrementAndGet();
        if (address != null) {
            perClient.release(address);
        }
    }

    /** Open connections of {@code address}, for tests. */
    int connectionsOf(InetAddress address) {
        return perClient.open(address);
    }

    /** Idle connections (no request in progress), for tests and status. */
    public int idleConnections() {
        return idle.size();
    }

    public int connections() {
        return connections.get();
    }

    private final class ProxyConnectionFactory extends AbstractConnectionFactory {
        ProxyConnectionFactory() {
            super("http/1.1");
        }

        @Override
        public Connection newConnection(Connector connector, EndPoint endPoint) {
            InetAddress address = ClientConnection.inetAddressOf(endPoint.getRemoteSocketAddress());
            if (!admit(address)) {
                return new RefusedConnection(endPoint);
            }
            try {
                return new DownstreamConnection(PortListener.this, endPoint);
            } catch (RuntimeException | Error e) {
                release(address);
                throw e;
            }
        }
    }

    /** A connection over a limit: closed as soon as it opens, without a byte read or a buffer allocated. */
    private static final class RefusedConnection extends AbstractConnection {
        RefusedConnection(EndPoint endPoint) {
            super(endPoint, Runnable::run);
        }

        @Override
        public void onOpen() {
            super.onOpen();
            getEndPoint().close();
        }

        @Override
        public void onFillable() {
            getEndPoint().close();
        }
    }
}
