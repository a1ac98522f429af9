package io.orbit.proxy.internal;

import io.orbit.proxy.ProxyOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of a proxied connection: reading and parsing clientToProxyRequest (plain heads without a body by
 * {@link RequestHeadParser}, everything else by Jetty's {@link HttpParser}, strict RFC 9110), writing to the client
 * without recursion, the connection limits (idle or busy, eviction) and the lingering close.
 *
 * <p>Threading: every event of this connection and of the upstream connection bound to it runs under this object's
 * monitor — on the selector thread in the common case, so there are no hand-offs. Read interest is re-armed from
 * inside the read callback, so the selector's interest set does not change on every request. The exchange logic lives
 * in the subclasses ({@link ForwardingConnection}, {@link DownstreamConnection}), on the same object and monitor.
 *
 * <p>Longer than 300 lines: reading, writing and the connection limits of one client connection, sharing its monitor and buffers on the per-request path.
 */
abstract class ClientConnection extends AbstractConnection implements HttpParser.RequestHandler {

    static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
    static final long LINGER_MILLIS = 2_000;
    static final long LINGER_BYTES = 4 * 1024 * 1024;
    static final int HEADER_CACHE_SIZE = 256;
    /** What {@link #input} and {@link #headOut} are while no pooled buffer is held: empty, zero capacity. */
    static final ByteBuffer NO_BUFFER = ByteBuffer.allocate(0);

    final PortListener listener;
    final ProxyOptions options;
    final HttpParser parser;
    /** The fast path for plain heads without a body; what it declines goes to {@link #parser}. */
    final RequestHeadParser leanParser = new RequestHeadParser();
    /**
     * Client bytes read and not yet processed: a buffer of the proxy's shared direct pool while there are such bytes,
     * else {@link #NO_BUFFER}. Taken when the socket is readable, given back once empty with no write reading from it
     * (see {@link #armClientRead}), so a silent or idle keep-alive connection holds none.
     */
    ByteBuffer input = NO_BUFFER;
    /**
     * The restated request head or the proxy's own response head: a buffer of the shared heap pool for the exchange's
     * life (a retry sends it again), else {@link #NO_BUFFER}.
     */
    ByteBuffer headOut = NO_BUFFER;
    /**
     * The input buffer a fill is writing into right now, else null: given up meanwhile, it goes back to the pool only
     * once the fill returned (see {@link #fillInput}).
     */
    @Nullable
    ByteBuffer filling;

    final Heads.Client client;
    /** The client's address, the key of the per-client limit; null only for a non-IP socket. */
    final @Nullable InetAddress remoteAddress;
    /** This connection's place among the listener's idle connections (see {@link IdleConnections}). */
    final IdleConnections.Node<ClientConnection> idleNode = new IdleConnections.Node<>(this);
    // Reused gather arrays: at most one write per direction is pending, and Jetty drops the array when it completes.
    final ByteBuffer[][] clientGather = {new ByteBuffer[1], new ByteBuffer[2], new ByteBuffer[3], new ByteBuffer[4]};
    final Callback readCallback = new NonBlockingCallback(this::onReadable, this::onReadFailed);
    final Callback clientWriteCallback =
            new NonBlockingCallback(this::onClientWriteSucceeded, this::onClientWriteFailed);

    // clientToProxyRequest parser events.
    String method = "";
    String uri = "";
    HttpVersion version = HttpVersion.HTTP_1_1;
    final List<HttpField> requestFields = new ArrayList<>(16);
    boolean headParsed;
    /** The head just parsed was taken by {@link #leanParser}: no body, and {@link #parser} never saw it. */
    boolean leanHead;

    boolean requestMessageComplete;

    @Nullable
    ByteBuffer requestContent;

    @Nullable
    HttpException badRequest;

    boolean requestEarlyEof;

    boolean clientEof;
    boolean closed;
    boolean lingering;
    long lingeredBytes;
    /** Holds a slot in the listener's limits: from construction (admitted before it) to {@link #leave}. */
    boolean counted = true;

    boolean clientWritePending;
    boolean inClientWrite;

    @Nullable
    Throwable clientWriteFailure;

    ClientConnection(PortListener listener, EndPoint endPoint) {
        super(endPoint, Runnable::run);
        this.listener = listener;
        this.options = listener.options();
        this.parser = new HttpParser(this, options.maxRequestHeadBytes(), HttpCompliance.RFC9110);
        // The per-connection field cache is a trie of capacity × 32 chars: Jetty's 1024 would cost 64 KiB a
        // connection; 256 (16 KiB) still holds Host and the usual short fields of a client's repeated requests.
        parser.setHeaderCacheSize(HEADER_CACHE_SIZE);
        this.client = new Heads.Client(addressOf(endPoint.getRemoteSocketAddress()), "http");
        this.remoteAddress = inetAddressOf(endPoint.getRemoteSocketAddress());
    }

    /** Takes an input buffer if none is held; false when the pool is exhausted: the connection is then closed. */
    boolean acquireInput() {
        if (input != NO_BUFFER) {
            return true;
        }
        ByteBuffer buffer = listener.buffers().input().acquire();
        if (buffer == null) {
            noBuffer();
            return false;
        }
        input = buffer;
        return true;
    }

    /**
     * Takes a head buffer if none is held and clears it for writing (at most {@code limit} bytes); false when the pool
     * is exhausted: the connection is then closed.
     */
    boolean acquireHead(int limit) {
        if (headOut == NO_BUFFER) {
            ByteBuffer buffer = listener.buffers().heads().acquire();
            if (buffer == null) {
                noBuffer();
                return false;
            }
            headOut = buffer;
        }
        headOut.clear().limit(Math.min(headOut.capacity(), limit));
        return true;
    }

    /**
     * No buffer within the pool's bound: this one connection is closed (and counted) rather than the selector thread
     * waiting for memory, which would stall every connection on it.
     */
    void noBuffer() {
        listener.bufferExhausted();
        close();
    }

    /** Gives the input buffer back when it is empty and no upstream write reads from it. */
    void releaseInput() {
        if (input != NO_BUFFER && !input.hasRemaining() && !clientReadPaused()) {
            dropInput();
        }
    }

    /**
     * Lets go of {@link #input}: back to the pool, or left to the GC while a pending write may still read it. A buffer
     * a fill is writing into stays out of the pool until the fill returned: {@link #fillInput} gives it back then.
     */
    private void dropInput() {
        ByteBuffer buffer = input;
        input = NO_BUFFER;
        if (buffer != filling) {
            giveBack(buffer);
        }
    }

    private void giveBack(ByteBuffer buffer) {
        if (clientReadPaused()) {
            listener.buffers().input().discard(buffer);
        } else {
            listener.buffers().input().release(buffer);
        }
    }

    /**
     * Reads from the client into {@link #input}. Jetty's fill flips the buffer to fill mode, reads, and flips it back
     * to the position it saved, in a finally block; in between it may run callbacks inline: a read that meets the end
     * of the stream on a connection whose output is already shut (a lingering close) closes the endpoint, which fails
     * a read interest registered meanwhile (another thread re-armed it while this one waited for the monitor), and
     * {@link #onReadFailed} closes this connection and lets go of its buffers. Were the buffer back in the pool at
     * once, another connection could take it and read a request into it, and the fill's late flip back would rewind
     * that connection's buffer to a stale position: it parsed bytes twice (a request forwarded twice, a body read
     * from the head). So the buffer goes back only here, once the fill returned.
     */
    int fillInput() throws IOException {
        ByteBuffer buffer = input;
        filling = buffer;
        try {
            return getEndPoint().fill(buffer);
        } finally {
            filling = null;
            if (input != buffer) {
                giveBack(buffer); // let go of during the fill
            }
        }
    }

    /** Gives the head buffer back at the end of an exchange; a write that may still read it leaves it to the GC. */
    void releaseHead() {
        if (headOut != NO_BUFFER) {
            if (clientWritePending || clientReadPaused()) {
                listener.buffers().heads().discard(headOut);
            } else {
                listener.buffers().heads().release(headOut);
            }
            headOut = NO_BUFFER;
        }
    }

    /** On close: every buffer back, or left to the GC when a pending write may still read it. Under the monitor. */
    void releaseBuffers() {
        if (input != NO_BUFFER) {
            dropInput();
        }
        releaseHead();
    }

    /** The client sent something (or closed); not lingering. */
    abstract void clientReadable();

    /** True while client input must not be read (an upstream write holds a slice of it). */
    abstract boolean clientReadPaused();

    /** A pending client write completed. */
    abstract void clientWritten();

    /** Releases whatever the current exchange holds; the caller closes the client connection. */
    abstract void abortExchange();

    static String addressOf(@Nullable SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return "unknown";
    }

    static @Nullable InetAddress inetAddressOf(@Nullable SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /** The idle timeout of a connection until its first request byte: the shorter of head and client idle. */
    static long silentIdleMillis(ProxyOptions options) {
        return Math.min(
                options.requestHeadTimeout().toMillis(),
                options.clientIdleTimeout().toMillis());
    }

    PortListener listener() {
        return listener;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        synchronized (this) {
            if (closed) {
                return;
            }
            listener.idle().idle(idleNode); // nothing sent yet: evictable
        }
        // A connection that has not sent a byte gets the request head timeout as its idle timeout (nginx's
        // client_header_timeout from accept): a flood of silent connections holds its slots for 10 s, not the 60 s
        // client idle timeout. The first request byte restores the client idle timeout (ForwardingConnection).
        getEndPoint().setIdleTimeout(silentIdleMillis(options));
        getEndPoint().tryFillInterested(readCallback);
    }

    @Override
    public void onClose(@Nullable Throwable cause) {
        super.onClose(cause);
        synchronized (this) {
            if (!closed) {
                closed = true;
                abortExchange();
            }
            releaseBuffers();
            leave();
        }
    }

    /** Leaves the idle list and gives back this connection's slot in the limits; idempotent. Under the monitor. */
    void leave() {
        listener.idle().closed(idleNode);
        if (counted) {
            counted = false;
            listener.release(remoteAddress);
        }
    }

    /** No request in progress any more (between keep-alive requests): evictable again. Under the monitor. */
    void becameIdle() {
        if (!closed && !lingering) {
            listener.idle().idle(idleNode);
        }
    }

    /**
     * Closes this connection to make room for a new one, unless a request started since the listener picked it (see
     * {@link IdleConnections#claim}). True when it was closed; its slot then passes to the new connection at once.
     */
    synchronized boolean evict() {
        if (closed || !listener.idle().claim(idleNode)) {
            return false;
        }
        close();
        return true;
    }

    @Override
    public void onFillable() {
        onReadable();
    }

    synchronized void onReadable() {
        if (closed) {
            return;
        }
        if (lingering) {
            lingerRead();
            return;
        }
        clientReadable();
    }

    synchronized void onReadFailed(Throwable failure) {
        if (!closed) {
            close();
        }
    }

    void fillClient() throws IOException {
        if (clientEof || !acquireInput()) {
            return;
        }
        if (input.position() > 0 && BufferUtil.space(input) < 4096) {
            BufferUtil.compact(input);
        }
        if (BufferUtil.space(input) == 0) {
            return;
        }
        int filled = fillInput();
        if (filled < 0) {
            clientEof = true;
        } else if (filled > 0 && idleNode.state != IdleConnections.State.BUSY) {
            listener.idle().busy(idleNode); // a request byte: no longer evictable until the exchange completes
        }
    }

    void armClientRead() {
        if (closed || clientEof || clientReadPaused()) {
            return;
        }
        releaseInput(); // when empty: nothing in it is referenced once no write is pending
        if (input == NO_BUFFER || input.remaining() < input.capacity()) {
            getEndPoint().tryFillInterested(readCallback);
        }
    }

    boolean writeClient(ByteBuffer buffer) {
        ByteBuffer[] gather = clientGather[0];
        gather[0] = buffer;
        return writeClient(gather);
    }

    boolean writeClient(ByteBuffer first, ByteBuffer second) {
        ByteBuffer[] gather = clientGather[1];
        gather[0] = first;
        gather[1] = second;
        return writeClient(gather);
    }

    boolean writeClient(ByteBuffer first, ByteBuffer second, ByteBuffer third) {
        ByteBuffer[] gather = clientGather[2];
        gather[0] = first;
        gather[1] = second;
        gather[2] = third;
        return writeClient(gather);
    }

    boolean writeClient(ByteBuffer first, ByteBuffer second, ByteBuffer third, ByteBuffer fourth) {
        ByteBuffer[] gather = clientGather[3];
        gather[0] = first;
        gather[1] = second;
        gather[2] = third;
        gather[3] = fourth;
        return writeClient(gather);
    }

    boolean writeClient(ByteBuffer[] buffers) {
        clientWritePending = true;
        inClientWrite = true;
        try {
            getEndPoint().write(clientWriteCallback, buffers);
        } finally {
            inClientWrite = false;
        }
        Throwable failure = clientWriteFailure;
        if (failure != null) {
            clientWriteFailure = null;
            clientWritePending = false;
            abortExchange();
            close();
            return false;
        }
        return !clientWritePending;
    }

    synchronized void onClientWriteSucceeded() {
        if (inClientWrite) {
            clientWritePending = false;
            return;
        }
        clientWritePending = false;
        if (!closed) {
            clientWritten();
        }
    }

    synchronized void onClientWriteFailed(Throwable failure) {
        if (inClientWrite) {
            clientWriteFailure = failure;
            return;
        }
        clientWritePending = false;
        if (!closed) {
            abortExchange();
            close();
        }
    }

    /**
     * Lingering close (nginx's lingering_close): the client may still be sending a body nobody read, and closing with
     * unread input resets the connection, which can destroy the response on its way. So stop writing, discard what
     * arrives for at most {@link #LINGER_MILLIS} and {@link #LINGER_BYTES}, then close.
     */
    void closeGracefully() {
        if (clientEof) {
            close();
            return;
        }
        lingering = true;
        getEndPoint().shutdownOutput();
        getEndPoint().setIdleTimeout(LINGER_MILLIS);
        if (!clientReadPaused()) {
            BufferUtil.clear(input);
        }
        armClientRead();
    }

    void lingerRead() {
        if (!acquireInput()) {
            return;
        }
        try {
            BufferUtil.clear(input);
            int discarded = fillInput();
            BufferUtil.clear(input);
            if (discarded < 0) {
                clientEof = true;
            } else {
                lingeredBytes += discarded;
            }
        } catch (IOException e) {
            close();
            return;
        }
        if (clientEof || lingeredBytes > LINGER_BYTES) {
            close();
            return;
        }
        armClientRead();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        abortExchange();
        releaseBuffers();
        leave();
        getEndPoint().close();
    }

    void resetRequest() {
        parser.reset();
        leanHead = false;
        requestFields.clear();
        requestMessageComplete = false;
        requestContent = null;
        requestEarlyEof = false;
    }

    @Override
    public void startRequest(String method, String uri, HttpVersion version) {
        this.method = method;
        this.uri = uri;
        this.version = version;
        requestFields.clear();
    }

    @Override
    public void parsedHeader(HttpField field) {
        requestFields.add(field);
    }

    @Override
    public boolean headerComplete() {
        headParsed = true;
        return true;
    }

    @Override
    public boolean content(ByteBuffer chunk) {
        requestContent = chunk;
        return true;
    }

    @Override
    public boolean contentComplete() {
        return false;
    }

    @Override
    public boolean messageComplete() {
        requestMessageComplete = true;
        return true;
    }

    @Override
    public void earlyEOF() {
        requestEarlyEof = true;
    }

    @Override
    public void badMessage(HttpException failure) {
        badRequest = failure;
    }
}
