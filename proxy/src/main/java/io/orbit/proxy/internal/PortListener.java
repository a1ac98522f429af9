package io.orbit.proxy.internal;

import static java.util.Objects.requireNonNull;

import io.orbit.proxy.ProxyOptions;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One node port: its connector and the route its connections read (replaced atomically on publish; in-flight
 * exchanges finish on the version they started with).
 */
public final class PortListener {

    private final ProxyOptions options;
    private final ProxyConnector connector;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile RouteState route;

    public PortListener(
            Server server, Executor executor, Scheduler scheduler, ProxyOptions options, int port, RouteState route) {
        this.options = requireNonNull(options, "options is null");
        this.route = requireNonNull(route, "route is null");
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

    /** False when the per-listener connection limit is reached (the caller closes the connection). */
    boolean connectionOpened() {
        if (connections.incrementAndGet() > options.maxConnectionsPerListener()) {
            connections.decrementAndGet();
            return false;
        }
        return true;
    }

    void connectionClosed() {
        connections.decrementAndGet();
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
            return new DownstreamConnection(PortListener.this, endPoint);
        }
    }
}
