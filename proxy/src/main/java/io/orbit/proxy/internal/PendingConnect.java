package io.orbit.proxy.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.EndPoint;

/** A connect in progress for one attempt of one exchange; reports success or failure once. */
final class PendingConnect {

    private final ForwardingConnection downstream;
    private final Exchange exchange;
    private final BackendState backend;
    private final AtomicBoolean done = new AtomicBoolean();

    PendingConnect(ForwardingConnection downstream, Exchange exchange, BackendState backend) {
        this.downstream = downstream;
        this.exchange = exchange;
        this.backend = backend;
        exchange.sharedOutsideConnection = true; // its callback may come after the exchange ended
        backend.connectStarted(this);
    }

    UpstreamConnection newConnection(EndPoint endPoint) {
        return new UpstreamConnection(endPoint, backend, downstream.listener(), this);
    }

    void connected(UpstreamConnection upstream) {
        backend.connectEnded(this);
        if (done.compareAndSet(false, true)) {
            downstream.onUpstreamConnected(exchange, upstream);
        } else {
            upstream.close();
        }
    }

    void failed(Throwable failure) {
        backend.connectEnded(this);
        if (done.compareAndSet(false, true)) {
            downstream.onUpstreamConnectFailed(exchange, backend, failure);
        }
    }
}
