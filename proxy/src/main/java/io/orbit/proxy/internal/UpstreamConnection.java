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
 *
 * <p>Longer than 300 lines: the buffers, reads and writes of one backend connection, bound or idle, and the hand-off
 * of its pooled buffers with a fill still writing into one.
 */
final class UpstreamConnection extends AbstractConnection {

    private final BackendState backend;
    private final @Nullable PendingConnect pendingConnect;
    final ResponseParser parser;
    private final BufferPool inputPool;
    private final BufferPool headPool;
    private final int headLimit;
    /**
     * Response bytes read and not yet sent on: a buffer of the shared direct pool from the first read of a response
     * until it went out, else {@link ClientConnection#NO_BUFFER}; an idle pooled connection holds none.
     */
    ByteBuffer input = ClientConnection.NO_BUFFER;
    /** The restated response head: a buffer of the shared heap pool for the same span as {@link #input}. */
    ByteBuffer headOut = ClientConnection.NO_BUFFER;
    /**
     * The input buffer a fill is writing into right now, else null (guarded by this): given up meanwhile, it goes back
     * to the pool only once the fill returned, as on the client side (see {@link ClientConnection#fillInput}).
     */
    private @Nullable ByteBuffer filling;
    /** The buffer given up during the fill was to be left to the GC (a client write may read it), not reused. */
    private boolean discardAfterFill;

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
        this.inputPool = listener.buffers().input();
        this.parser = new ResponseParser(listener.options().maxResponseHeadBytes(), inputPool::view);
        this.headPool = listener.buffers().heads();
        this.headLimit = listener.options().maxResponseHeadBytes() + 1024;
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
        if (headOut != ClientConnection.NO_BUFFER) {
            headOut.clear().limit(Math.min(headOut.capacity(), headLimit));
        }
        anyResponseBytes = false;
    }

    /** The shared pools are at their bound: the exchange's connection is closed (no retry, no ejection). */
    static final class NoBufferException extends IOException {
        private static final long serialVersionUID = 1L;

        NoBufferException() {
            super("no buffer within the proxy's buffer pool bound");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // one shared instance, thrown on the data path: no stack trace to fill
        }
    }

    private static final NoBufferException NO_BUFFER = new NoBufferException();

    /**
     * Takes the buffers of a response if not held. Called by the bound owner under its monitor, or by the idle path
     * once out of the pool; synchronized against {@link #releaseBuffers} from {@link #onClose} on another thread.
     */
    private synchronized boolean acquireBuffers() {
        if (input == ClientConnection.NO_BUFFER) {
            ByteBuffer buffer = inputPool.acquire();
            if (buffer == null) {
                return false;
            }
            input = buffer;
        }
        if (headOut == ClientConnection.NO_BUFFER) {
            ByteBuffer buffer = headPool.acquire();
            if (buffer == null) {
                return false;
            }
            headOut = buffer;
            headOut.clear().limit(Math.min(headOut.capacity(), headLimit));
        }
        return true;
    }

    /**
     * Gives both buffers back: {@code reuse} when no client write reads from them any more, else they are left to the
     * GC (a write still in progress may read them). Idempotent.
     */
    synchronized void releaseBuffers(boolean reuse) {
        if (input != ClientConnection.NO_BUFFER) {
            if (input == filling) {
                discardAfterFill = !reuse; // given back by fillInput once the fill returned
            } else if (reuse) {
                inputPool.release(input);
            } else {
                inputPool.discard(input);
            }
            input = ClientConnection.NO_BUFFER;
        }
        if (headOut != ClientConnection.NO_BUFFER) {
            if (reuse) {
                headPool.release(headOut);
            } else {
                headPool.discard(headOut);
            }
            headOut = ClientConnection.NO_BUFFER;
        }
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
        // Only the owner (or the idle path) takes buffers, so the unsynchronized check sees its own writes.
        if ((input == ClientConnection.NO_BUFFER || headOut == ClientConnection.NO_BUFFER) && !acquireBuffers()) {
            throw NO_BUFFER;
        }
        if (input.position() > 0 && BufferUtil.space(input) < 4096) {
            BufferUtil.compact(input);
        }
        int filled = fillInput();
        if (filled < 0) {
            eof = true;
        } else if (filled > 0) {
            anyResponseBytes = true;
        }
        return filled;
    }

    /**
     * Jetty's fill flips {@link #input} back to its saved position in a finally block, after callbacks it may run
     * inline (a close failing this connection's read or write callback, whose owner then lets go of the buffers): the
     * buffer must not be in the pool, where another connection could take it, until that flip is done.
     */
    private int fillInput() throws IOException {
        ByteBuffer buffer;
        synchronized (this) {
            buffer = input;
            filling = buffer;
        }
        try {
            return getEndPoint().fill(buffer);
        } finally {
            synchronized (this) {
                filling = null;
                if (input != buffer) { // let go of during the fill
                    if (discardAfterFill) {
                        inputPool.discard(buffer);
                    } else {
                        inputPool.release(buffer);
                    }
                }
            }
        }
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
            int filled;
            synchronized (this) { // against releaseBuffers from onClose on another thread (an idle timeout)
                filled = fillOnce();
                releaseBuffers(true); // before it is back in the pool, where a new owner may take buffers
            }
            if (filled == 0 && backend.releaseIdle(this)) {
                armRead();
                return;
            }
        } catch (IOException e) {
            // closed below (also when no buffer could be had: an idle connection is the cheapest to lose)
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
        if (owner == null) {
            releaseBuffers(true); // a bound one's owner gives them back, knowing which of its writes are pending
        }
    }
}
