package io.orbit.proxy.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.IO;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A node port's connector. Its selectors carry both sides of every exchange: client connections are accepted on them
 * (no acceptor thread) and upstream connections are opened on them too, so a request never changes thread pool.
 */
final class ProxyConnector extends ServerConnector {

    private static final boolean BATCH_WRITES =
            Boolean.parseBoolean(System.getProperty("orbit.proxy.batchWrites", "true"));

    ProxyConnector(Server server, Executor executor, Scheduler scheduler, int selectors, ConnectionFactory factory) {
        super(server, executor, scheduler, null, 0, selectors, factory);
    }

    @Override
    protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
        return new UpstreamCapableManager(executor, scheduler, selectors);
    }

    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key)
            throws IOException {
        if (selector instanceof BatchingSelector batching) {
            BatchedEndPoint endPoint = new BatchedEndPoint(channel, batching, key, getScheduler());
            endPoint.setIdleTimeout(getIdleTimeout());
            return endPoint;
        }
        return super.newEndPoint(channel, selector, key);
    }

    /** Opens a non-blocking connection to {@code address}; {@code pending} hears of the outcome exactly once. */
    void connect(InetSocketAddress address, PendingConnect pending) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.socket().setTcpNoDelay(true);
            channel.configureBlocking(false);
            if (channel.connect(address)) {
                getSelectorManager().accept(channel, pending);
            } else {
                getSelectorManager().connect(channel, pending);
            }
        } catch (IOException | RuntimeException e) {
            IO.close(channel);
            pending.failed(e);
        }
    }

    private final class UpstreamCapableManager extends ServerConnectorManager {

        UpstreamCapableManager(Executor executor, Scheduler scheduler, int selectors) {
            super(executor, scheduler, selectors);
        }

        @Override
        protected ManagedSelector newSelector(int id) {
            return BATCH_WRITES ? new BatchingSelector(this, id) : super.newSelector(id);
        }

        @Override
        public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment)
                throws IOException {
            if (attachment instanceof PendingConnect pending) {
                return pending.newConnection(endPoint);
            }
            return super.newConnection(channel, endPoint, attachment);
        }

        @Override
        protected void connectionFailed(SelectableChannel channel, Throwable failure, Object attachment) {
            if (attachment instanceof PendingConnect pending) {
                pending.failed(failure);
            } else {
                super.connectionFailed(channel, failure, attachment);
            }
        }
    }
}
