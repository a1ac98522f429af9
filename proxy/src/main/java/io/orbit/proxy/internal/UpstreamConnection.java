package io.orbit.proxy.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * A keep-alive HTTP/1.1 connection to one backend. While bound to a {@link ForwardingConnection} every event is
 * handled under that connection's lock; while idle in its backend's pool it keeps read interest so that a close by
 * the backend evicts it at once. Read interest stays armed across requests, so the selector's interest set is not
 * rewritten for every exchange.
 */
final class UpstreamConnection extends AbstractConnection {

    private final BackendState backend;
    private final @Nullable PendingConnect pendingConnect;
    final ResponseParser parser;
    final ByteBuffer input;
    final ByteBuffer headOut;
    final Callback readCallback = new NonBlockingCallback(this::onReadable, this::onReadFailed);
    final Callback writeCallback;
    private volatile @Nullable ForwardingConnection owner;
    private boolean pooled;

    // Per response.
    boolean eof;
    boolean anyResponseBytes;

    UpstreamConnection(
            EndPoint endPoint, BackendState backend, PortListener listener, @Nullable PendingConnect pendingConnect) {
        super(endPoint, Runnable::run);
        this.backend = backend;
        this.pendingConnect = pendingConnect;
        this.parser = new ResponseParser(listener.options().maxResponseHeadBytes());
        this.input =
                BufferUtil.allocateDirect(Math.max(16 * 1024, listener.options().maxResponseHeadBytes() + 1));
        this.headOut = BufferUtil.allocate(listener.options().maxResponseHeadBytes() + 1024);
        this.writeCallback = new NonBlockingCallback(this::onWriteSucceeded, this::onWriteFailed);
        endPoint.setIdleTimeout(listener.options().upstreamIdleTimeout().toMillis());
    }

    BackendState backend() {
        return backend;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        if (pendingConnect != null) {
            pendingConnect.connected(this);
        }
    }

    @Override
    public void onFillable() {
        onReadable();
    }

    boolean isOpen() {
        return getEndPoint().isOpen();
    }

    /** Called under the pool lock. */
    void enterPool(BackendState pool) {
        pooled = pool == backend;
    }

    /** Called under the pool lock. */
    void leavePool() {
        pooled = false;
    }

    @Nullable
    ForwardingConnection owner() {
        return owner;
    }

    void bind(ForwardingConnection downstream, boolean headResponse) {
        owner = downstream;
        resetResponse(headResponse);
    }

    void unbind() {
        owner = null;
    }

    void resetResponse(boolean headResponse) {
        parser.reset(headResponse);
        headOut.clear();
        anyResponseBytes = false;
    }

    void armRead() {
        if (!eof && getEndPoint().isOpen()) {
            getEndPoint().tryFillInterested(readCallback);
        }
    }

    /** Reads once into {@link #input}; -1 at end of stream. */
    int fillOnce() throws IOException {
        if (eof) {
            return -1;
        }
        if (input.position() > 0 && BufferUtil.space(input) < 4096) {
            BufferUtil.compact(input);
        }
        int filled = getEndPoint().fill(input);
        if (filled < 0) {
            eof = true;
        } else if (filled > 0) {
            anyResponseBytes = true;
        }
        return filled;
    }

    private void onReadable() {
        ForwardingConnection downstream = owner;
        if (downstream != null) {
            downstream.onUpstreamReadable(this);
            return;
        }
        if (!backend.removeIdle(this)) {
            // Acquired meanwhile: its new owner re-arms read interest after binding.
            downstream = owner;
            if (downstream != null) {
                downstream.onUpstreamReadable(this);
            }
            return;
        }
        // Idle and out of the pool now: a backend sends nothing unasked, so this is a close (or garbage).
        try {
            if (fillOnce() == 0 && backend.releaseIdle(this)) {
                armRead();
                return;
            }
        } catch (IOException e) {
            // closed below
        }
        close();
    }

    private void onReadFailed(Throwable failure) {
        ForwardingConnection downstream = owner;
        if (downstream != null) {
            downstream.onUpstreamFailed(this, failure);
        } else {
            backend.removeIdle(this);
            close();
        }
    }

    private void onWriteSucceeded() {
        ForwardingConnection downstream = owner;
        if (downstream != null) {
            downstream.onUpstreamWriteComplete(this, null);
        }
    }

    private void onWriteFailed(Throwable failure) {
        ForwardingConnection downstream = owner;
        if (downstream != null) {
            downstream.onUpstreamWriteComplete(this, failure);
        } else {
            close();
        }
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        ForwardingConnection downstream = owner;
        if (downstream != null) {
            downstream.onUpstreamIdle(this, timeout);
        } else {
            backend.removeIdle(this);
            close();
        }
        return false;
    }

    @Override
    public void onClose(@Nullable Throwable cause) {
        super.onClose(cause);
        if (pooled) {
            backend.removeIdle(this);
        }
    }
}
