package io.orbit.proxy.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.jspecify.annotations.Nullable;

/**
 * A client connection and the exchanges on it: clientToProxyRequest is parsed by {@link ClientConnection},
 * proxyToServerRequest written by {@link ForwardingConnection}, and here serverToProxyResponse (parsed by the
 * upstream's {@link ResponseParser}) becomes proxyToClientResponse; a 101 turns the pair into a byte tunnel.
 *
 * <p>Longer than 300 lines: the response half of one exchange state machine (head, body, tunnel), on the same object and monitor as the request half.
 */
final class DownstreamConnection extends ForwardingConnection {

    private final ByteBuffer responseChunkHead = BufferUtil.allocate(32);

    DownstreamConnection(PortListener listener, EndPoint endPoint) {
        super(listener, endPoint);
    }

    /** A client write completed later than it started: continue the response. */
    @Override
    void clientWritten() {
        Exchange current = exchange;
        if (current == null) {
            return;
        }
        if (tunnel) {
            UpstreamConnection upstream = current.upstream;
            if (upstream != null) {
                upstream.releaseBuffers(true); // written: taken again at its next read
                upstream.armRead();
            }
            return;
        }
        if (current.responseComplete) {
            completeExchange(current);
            return;
        }
        UpstreamConnection upstream = current.upstream;
        if (upstream != null) {
            parseResponse(current, upstream);
        }
    }

    @Override
    synchronized void onUpstreamReadable(UpstreamConnection upstream) {
        Exchange current = exchange;
        if (closed || current == null || current.upstream != upstream || upstream.owner() != this) {
            upstream.armRead(); // no longer ours: whoever holds it now handles the event
            return;
        }
        if (tunnel) {
            tunnelUpstreamReadable(current, upstream);
            return;
        }
        if (clientWritePending) {
            return; // re-armed when the client write completes
        }
        try {
            upstream.fillOnce();
        } catch (UpstreamConnection.NoBufferException e) {
            noBuffer(); // the proxy's memory, not the backend's fault: no retry, no ejection
            return;
        } catch (IOException e) {
            onUpstreamFailed(upstream, e);
            return;
        }
        if (upstream.eof && !upstream.anyResponseBytes) {
            onUpstreamFailed(upstream, new EOFException("backend closed the connection before responding"));
            return;
        }
        parseResponse(current, upstream);
    }

    void parseResponse(Exchange current, UpstreamConnection upstream) {
        ResponseParser parser = upstream.parser;
        while (!closed && exchange == current) {
            switch (parser.next(upstream.input, upstream.headOut, upstream.eof)) {
                case NEED_MORE -> {
                    upstream.armRead();
                    return;
                }
                case ERROR -> {
                    onUpstreamFailed(upstream, new IOException(String.valueOf(parser.error())));
                    return;
                }
                case HEAD -> {
                    if (!onResponseHead(current, upstream)) {
                        return;
                    }
                }
                case CONTENT -> {
                    if (!sendResponseContent(current, parser.content())) {
                        return;
                    }
                }
                case COMPLETE -> {
                    if (!current.interim) {
                        onResponseComplete(current);
                        return;
                    }
                    current.interim = false;
                    upstream.resetResponse(current.head);
                }
            }
        }
    }

    /** False when processing must pause (a write is pending, or the exchange ended). */
    boolean onResponseHead(Exchange current, UpstreamConnection upstream) {
        ResponseParser parser = upstream.parser;
        int status = parser.status();
        RouteState route = current.route;
        if (!current.responseHeadSeen) {
            current.responseHeadSeen = true;
            LatencyShedder shedder = route.shedder();
            if (shedder != null) {
                shedder.record(System.nanoTime() - current.startNanos);
            }
        }
        ByteBuffer head = upstream.headOut;
        try {
            if (status == 101) {
                switchProtocols(current, upstream, head);
                return false;
            }
            if (status < 200) {
                return forwardInterim(current, head);
            }
            current.status = status;
            current.upstreamClose = parser.closes() || parser.declaresBodyItHasNot();
            String codings = parser.transferCodings();
            boolean delimited = parser.hasBody() && !parser.lengthKnown();
            if (delimited && current.http10 && codings != null && !codings.isEmpty()) {
                // An HTTP/1.0 client cannot be told about transfer codings (RFC 9112 §6.1).
                onUpstreamFailed(upstream, new IOException("transfer coding " + codings + " for an HTTP/1.0 client"));
                return false;
            }
            // Chunked to HTTP/1.1 clients whenever the length is unknown; an HTTP/1.0 client gets the body until close.
            current.chunkedResponse = delimited && !current.http10;
            if (current.clientClose || (delimited && current.http10) || current.phase != Exchange.RequestPhase.SENT) {
                current.closeAfterResponse = true;
            }
            restateFraming(head, current, codings, parser.contentLength(), status);
        } catch (BufferOverflowException e) {
            onUpstreamFailed(upstream, new IOException("response head too large"));
            return false;
        }
        head.flip();
        current.headPending = true;
        return true;
    }

    /** 101 for a request that asked to upgrade: the head goes out and both sides become a tunnel. */
    private void switchProtocols(Exchange current, UpstreamConnection upstream, ByteBuffer head) {
        if (current.upgrade == null) {
            // Switching protocols for a request that asked for nothing: the backend's stream is no longer
            // HTTP and cannot be framed towards the client.
            onUpstreamFailed(upstream, new IOException("101 Switching Protocols without an Upgrade request"));
            return;
        }
        String upgrade = upstream.parser.upgrade() != null ? upstream.parser.upgrade() : current.upgrade;
        Heads.put(head, "Connection: Upgrade\r\nUpgrade: " + upgrade + "\r\n\r\n");
        head.flip();
        startTunnel(current, upstream);
    }

    /** 1xx interim (100 Continue, 103 Early Hints): forwarded as it is (it has no body), the final follows. */
    private boolean forwardInterim(Exchange current, ByteBuffer head) {
        current.interim = true;
        if (current.http10) {
            head.clear(); // RFC 9110 §15.2: no 1xx to an HTTP/1.0 client; the final response follows
            return true;
        }
        Heads.put(head, "\r\n");
        head.flip();
        current.responseStarted = true;
        return writeClient(head);
    }

    /** The framing of what follows, restated: the backend's own framing fields are never copied. */
    private static void restateFraming(
            ByteBuffer head, Exchange current, @Nullable String codings, long contentLength, int status) {
        if (current.chunkedResponse) {
            Heads.put(head, "Transfer-Encoding: ");
            if (codings != null && !codings.isEmpty()) {
                Heads.put(head, codings);
                Heads.put(head, ", ");
            }
            Heads.put(head, "chunked\r\n");
        } else if (contentLength >= 0 && status != 204) {
            // The body's length, or for HEAD and 304 the length the selected representation would have.
            Heads.putContentLength(head, contentLength);
        }
        if (current.closeAfterResponse) {
            Heads.put(head, "Connection: close\r\n");
        } else if (current.http10) {
            Heads.put(head, "Connection: keep-alive\r\n");
        }
        Heads.put(head, "\r\n");
    }

    boolean sendResponseContent(Exchange current, ByteBuffer content) {
        UpstreamConnection upstream = current.upstream;
        if (upstream == null) {
            return false;
        }
        ByteBuffer head = current.headPending ? upstream.headOut : null;
        current.headPending = false;
        current.responseStarted = true;
        if (!current.chunkedResponse) {
            return head == null ? writeClient(content) : writeClient(head, content);
        }
        if (!content.hasRemaining()) {
            return head == null || writeClient(head);
        }
        responseChunkHead.clear();
        Heads.putChunkSize(responseChunkHead, content.remaining());
        responseChunkHead.flip();
        return head == null
                ? writeClient(responseChunkHead, content, CRLF.duplicate())
                : writeClient(head, responseChunkHead, content, CRLF.duplicate());
    }

    void onResponseComplete(Exchange current) {
        UpstreamConnection upstream = current.upstream;
        current.responseComplete = true;
        ByteBuffer head = current.headPending && upstream != null ? upstream.headOut : null;
        current.headPending = false;
        current.responseStarted = true;
        boolean done;
        if (current.chunkedResponse) {
            done = head == null ? writeClient(LAST_CHUNK.duplicate()) : writeClient(head, LAST_CHUNK.duplicate());
        } else {
            done = head == null || writeClient(head);
        }
        if (done) {
            completeExchange(current);
        }
    }

    @Override
    void completeExchange(Exchange current) {
        UpstreamConnection upstream = current.upstream;
        BackendState backend = current.backend;
        current.upstream = null;
        current.backend = null;
        RouteState route = current.route;
        if (backend != null) {
            backend.requestEnded();
            if (current.status >= 500) {
                route.onBackendError(backend);
            } else {
                route.onBackendSuccess(backend);
            }
        }
        route.metrics().response(current.status, System.nanoTime() - current.startNanos);
        if (upstream != null) {
            boolean reusable = !current.upstreamClose
                    && current.phase == Exchange.RequestPhase.SENT
                    && !upstream.eof
                    && !upstream.input.hasRemaining();
            upstream.releaseBuffers(true); // the response went out: no write reads them any more
            upstream.unbind();
            if (reusable && backend != null && backend.releaseIdle(upstream)) {
                upstream.armRead();
            } else {
                upstream.close();
            }
        }
        exchange = null;
        releaseHead();
        if (current.closeAfterResponse || current.clientClose) {
            closeGracefully();
            return;
        }
        resetRequest();
        process();
        if (exchange == null && headStartNanos == 0 && !input.hasRemaining()) {
            becameIdle(); // between keep-alive requests, nothing of the next one read yet: evictable at the limit
        }
        armClientRead();
        if (!current.sharedOutsideConnection) {
            // Only now: an exchange that process() started above must not be this one, which the calls that led here
            // still hold and compare by identity; they return without starting another (ExchangeReuseTest).
            spare = current;
        }
    }

    @Override
    public synchronized boolean onIdleExpired(TimeoutException timeout) {
        Exchange current = exchange;
        if (current == null || tunnel || clientWritePending) {
            close();
            return false;
        }
        if (current.phase == Exchange.RequestPhase.SENDING_BODY && !upstreamWritePending) {
            close(); // the client stopped sending its body
        }
        return false;
    }

    void startTunnel(Exchange current, UpstreamConnection upstream) {
        BackendState backend = current.backend;
        tunnel = true;
        current.status = 101;
        current.responseStarted = true;
        current.route.metrics().response(101, System.nanoTime() - current.startNanos);
        if (backend != null) {
            backend.requestEnded();
            backend.upgradeStarted();
            current.route.onBackendSuccess(backend);
        }
        long idle = options.upgradedIdleTimeout().toMillis();
        getEndPoint().setIdleTimeout(idle);
        upstream.getEndPoint().setIdleTimeout(idle);
        boolean clientDone = upstream.input.hasRemaining()
                ? writeClient(upstream.headOut, upstream.input)
                : writeClient(upstream.headOut);
        if (closed) {
            return;
        }
        if (clientDone) {
            upstream.releaseBuffers(true);
            upstream.armRead();
        }
        if (input.hasRemaining()) {
            if (writeUpstream(current, input)) {
                BufferUtil.clear(input);
                armClientRead();
            }
        } else {
            armClientRead();
        }
    }

    @Override
    void tunnelClientReadable() {
        Exchange current = exchange;
        if (current == null || upstreamWritePending) {
            return;
        }
        try {
            fillClient();
        } catch (IOException e) {
            close();
            return;
        }
        if (closed) {
            return; // no buffer could be had
        }
        if (clientEof) {
            close();
            return;
        }
        if (!input.hasRemaining()) {
            armClientRead();
            return;
        }
        if (writeUpstream(current, input)) {
            BufferUtil.clear(input);
            armClientRead();
        }
    }

    void tunnelUpstreamReadable(Exchange current, UpstreamConnection upstream) {
        if (clientWritePending) {
            return;
        }
        try {
            upstream.fillOnce();
        } catch (UpstreamConnection.NoBufferException e) {
            noBuffer();
            return;
        } catch (IOException e) {
            close();
            return;
        }
        if (upstream.eof) {
            close();
            return;
        }
        if (!upstream.input.hasRemaining()) {
            upstream.releaseBuffers(true);
            upstream.armRead();
            return;
        }
        if (writeClient(upstream.input)) {
            upstream.releaseBuffers(true);
            upstream.armRead();
        }
    }
}
