package io.orbit.proxy.internal;

import io.orbit.engine.routing.Route;
import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.jspecify.annotations.Nullable;

/**
 * The request half of an exchange: starting it from a parsed head (shedding, balancing), connecting or reusing an
 * upstream connection, writing proxyToServerRequest and its body, and every failure of an attempt — retried on another
 * backend when {@link RetryPolicy} and the budget allow, answered 502/503/504 by the proxy otherwise.
 *
 * <p>Longer than 300 lines: the request half of one exchange state machine; its steps share the connection's fields under one monitor on the per-request path.
 */
abstract class ForwardingConnection extends ClientConnection {

    static final ByteBuffer CRLF = ByteBuffer.wrap(new byte[] {'\r', '\n'}).asReadOnlyBuffer();
    static final ByteBuffer LAST_CHUNK =
            ByteBuffer.wrap("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    final ByteBuffer requestChunkHead = BufferUtil.allocate(32);
    final ByteBuffer[][] upstreamGather = {new ByteBuffer[1], new ByteBuffer[2], new ByteBuffer[3]};

    @Nullable
    Exchange exchange;

    /**
     * The last exchange, ended, for the next request to reuse (null while it is in use, or when it cannot be reused):
     * a keep-alive connection then allocates no exchange per request.
     */
    @Nullable
    Exchange spare;

    boolean tunnel;
    long headStartNanos;
    boolean spoken;
    boolean upstreamWritePending;
    boolean inUpstreamWrite;

    @Nullable
    Throwable upstreamWriteFailure;

    ForwardingConnection(PortListener listener, EndPoint endPoint) {
        super(listener, endPoint);
    }

    /** The response went out completely: account, recycle the upstream connection, move to the next request. */
    abstract void completeExchange(Exchange current);

    /** Client bytes on an upgraded connection. */
    abstract void tunnelClientReadable();

    /** The bound upstream connection has something to read (or failed to). */
    abstract void onUpstreamReadable(UpstreamConnection upstream);

    @Override
    void clientReadable() {
        if (tunnel) {
            tunnelClientReadable();
            return;
        }
        if (upstreamWritePending) {
            return; // re-armed when the write completes
        }
        try {
            fillClient();
        } catch (IOException e) {
            close();
            return;
        }
        process();
        armClientRead();
    }

    @Override
    boolean clientReadPaused() {
        return upstreamWritePending;
    }

    /** Parses and acts until more input, a write completion or an upstream event is needed. */
    void process() {
        while (!closed) {
            Exchange current = exchange;
            if (current == null) {
                if (!parseRequestHead()) {
                    return;
                }
                continue;
            }
            if (clientEof && current.hold != null) {
                // A client that closes while its request waits for a scaled-to-zero service has gone (as Go's server
                // reads it): the request is dropped before it reaches a pod, its place in the queue freed.
                abortExchange();
                close();
                return;
            }
            if (current.phase != Exchange.RequestPhase.SENDING_BODY || upstreamWritePending) {
                // The client closed before its whole body arrived (a body already buffered is still sent: a client
                // may half-close after a complete request).
                if (clientEof
                        && current.hasBody
                        && !current.requestMessageDone
                        && !input.hasRemaining()
                        && current.phase != Exchange.RequestPhase.SENDING_BODY) {
                    abortExchange();
                    close();
                }
                return;
            }
            boolean stopped = parser.parseNext(input);
            if (badRequest != null || requestEarlyEof) {
                failRequestBody(current);
                return;
            }
            ByteBuffer content = requestContent;
            if (content != null) {
                requestContent = null;
                if (!sendRequestContent(current, content)) {
                    return;
                }
                continue;
            }
            if (requestMessageComplete) {
                requestMessageComplete = false;
                current.requestMessageDone = true;
                current.phase = Exchange.RequestPhase.SENT;
                if (current.chunkedRequest && !writeUpstream(current, LAST_CHUNK.duplicate())) {
                    return;
                }
                continue;
            }
            if (!stopped) {
                if (clientEof) {
                    abortExchange();
                    close();
                }
                return;
            }
        }
    }

    /** Returns true when a head was parsed and its exchange started. */
    boolean parseRequestHead() {
        if (!input.hasRemaining()) {
            if (clientEof) {
                close();
            }
            return false;
        }
        long now = System.nanoTime();
        if (headStartNanos == 0) {
            headStartNanos = now;
            if (!spoken) {
                spoken = true; // the first request byte: from now on the client idle timeout (see onOpen)
                getEndPoint().setIdleTimeout(options.clientIdleTimeout().toMillis());
            }
        }
        if (parser.isStart() && leanParser.parse(input, options.maxRequestHeadBytes(), requestFields)) {
            method = leanParser.method();
            uri = leanParser.target();
            version = leanParser.version();
            headParsed = true;
            leanHead = true;
        } else {
            parser.parseNext(input);
        }
        HttpException bad = badRequest;
        if (bad != null) {
            badRequest = null;
            respondWithoutExchange(bad.getCode(), bad.getReason() == null ? "bad request" : bad.getReason());
            return false;
        }
        if (!headParsed) {
            if (clientEof) {
                close();
            } else if (now - headStartNanos > options.requestHeadTimeout().toNanos()) {
                respondWithoutExchange(408, "request head not received in time");
            }
            return false;
        }
        headParsed = false;
        headStartNanos = 0;
        startExchange(now);
        return true;
    }

    void startExchange(long now) {
        RouteState route = listener.route();
        // A head the lean parser took has no body; Jetty's parser, which never saw it, is not asked.
        boolean chunked = !leanHead && parser.isChunking();
        long contentLength = leanHead ? -1 : parser.getContentLength();
        RequestFraming framing = null;
        int refusal = 0;
        String refusalReason = "";
        if (!"CONNECT".equals(method)) {
            try {
                framing = RequestFraming.of(
                        method,
                        uri,
                        version,
                        requestFields,
                        chunked,
                        contentLength,
                        route.route().service());
            } catch (RequestFraming.Rejected e) {
                refusal = e.status;
                refusalReason = e.getMessage();
            }
        }
        Heads.ConnectionTokens tokens = Heads.ConnectionTokens.of(requestFields);
        boolean hasBody = chunked || contentLength > 0;
        String upgrade = tokens.upgrade() && !hasBody ? upgradeField() : null;
        Exchange started = newExchange(route, now, tokens, hasBody, chunked, upgrade);
        if (refusal != 0) {
            // An ambiguous or malformed request: answered here, nothing reaches a backend, the connection closes.
            started.closeAfterResponse = true;
            respondError(started, refusal, "bad request: " + refusalReason, false);
            return;
        }
        route.retryBudget().onRequest();
        LatencyShedder shedder = route.shedder();
        if (shedder != null && shedder.shouldShed()) {
            int status =
                    route.route().shedding().map(Route.Shedding::statusCode).orElse(503);
            respondError(started, status, "service '" + route.route().service() + "' is overloaded, retry later", true);
            return;
        }
        if (framing == null) {
            respondError(started, 405, "CONNECT is not supported", false);
            return;
        }
        if (writeRequestHead(started, framing, tokens, upgrade)) {
            dispatch(started);
        }
    }

    /** The exchange of the head just parsed, now {@link #exchange}. */
    private Exchange newExchange(
            RouteState route,
            long now,
            Heads.ConnectionTokens tokens,
            boolean hasBody,
            boolean chunked,
            @Nullable String upgrade) {
        boolean http10 = version == HttpVersion.HTTP_1_0;
        boolean clientClose = tokens.close() || (http10 && !tokens.keepAlive());
        Exchange started = spare != null ? spare : new Exchange(route);
        spare = null;
        started.start(route, now, method, http10, clientClose, hasBody, chunked, upgrade);
        exchange = started;
        if (leanHead) {
            // No body: the request is whole once its head is, so the loop in process() never asks the parser for it.
            leanHead = false;
            started.requestMessageDone = true;
        }
        return started;
    }

    /** The Upgrade field's value (the last one), for a request that asks to upgrade. */
    private @Nullable String upgradeField() {
        String upgrade = null;
        for (HttpField field : requestFields) {
            if (field.getHeader() == HttpHeader.UPGRADE) {
                upgrade = field.getValue();
            }
        }
        return upgrade;
    }

    /**
     * Writes the forwarded head into {@code headOut}, flipped for sending.
     *
     * @return false when the exchange was answered (431) or the connection closed (no head buffer within the pool)
     */
    private boolean writeRequestHead(
            Exchange started, RequestFraming framing, Heads.ConnectionTokens tokens, @Nullable String upgrade) {
        if (!acquireHead(options.maxRequestHeadBytes() + 2048)) {
            return false; // closed: no head buffer within the pool's bound
        }
        try {
            Heads.writeRequestHead(
                    headOut,
                    method,
                    framing.target(),
                    framing.host(),
                    requestFields,
                    tokens,
                    client,
                    upgrade,
                    framing.transferCodings(),
                    framing.contentLength());
        } catch (BufferOverflowException e) {
            headOut.clear();
            started.closeAfterResponse = true;
            respondError(started, 431, "request head too large", false);
            return false;
        }
        headOut.flip();
        return true;
    }

    /**
     * The request body's framing broke after its head went upstream (a bad chunk, a client that closed mid-body): the
     * upstream connection holds half a request and is closed; the client gets a 400 unless a response already began.
     */
    void failRequestBody(Exchange current) {
        badRequest = null;
        if (current.responseStarted) {
            abortExchange();
            close();
            return;
        }
        closeUpstream(current);
        BackendState backend = current.backend;
        current.backend = null;
        if (backend != null) {
            backend.requestEnded();
        }
        current.phase = Exchange.RequestPhase.SENT; // nothing more of this body is parsed
        current.closeAfterResponse = true;
        respondError(current, 400, "bad request: malformed request body", false);
    }

    void dispatch(Exchange current) {
        RouteState route = current.route;
        BackendState backend = claimBackend(route, current);
        if (backend == null) {
            if (current.failureStatus != 0) {
                log.atWarn()
                        .addKeyValue("service", route.route().service())
                        .addKeyValue("status", current.failureStatus)
                        .addKeyValue("backends", route.backendArray().length)
                        .log("Upstream failure answered to the client: no other ready backend to retry on");
                respondError(
                        current,
                        current.failureStatus,
                        "upstream of '" + route.route().service() + "' failed",
                        false);
            } else if (!hold(current, route)) {
                respondError(
                        current,
                        503,
                        "no ready backend for service '" + route.route().service() + "', retry later",
                        true);
            }
            return;
        }
        leaveHold(current);
        current.backend = backend;
        UpstreamConnection upstream = backend.acquireIdle();
        if (upstream != null) {
            current.reusedConnection = true;
            bind(current, upstream);
            sendRequestHead(current);
        } else {
            current.reusedConnection = false;
            current.phase = Exchange.RequestPhase.AWAITING_UPSTREAM;
            listener.proxyConnector().connect(backend.socketAddress(), new PendingConnect(this, current, backend));
        }
    }

    /**
     * Scale from zero: no backend is ready and the route activates its service, so the exchange waits in the route's
     * {@link Activator} (answered 503 when its queue is full). Nothing is read from the client meanwhile (the phase
     * stays {@link Exchange.RequestPhase#AWAITING_UPSTREAM}); the activator calls {@link #resumeHeld} when a backend
     * may be ready, {@link #expireHeld} at the activation timeout.
     *
     * @return false when the route does not activate (the caller answers 503 at once)
     */
    private boolean hold(Exchange current, RouteState route) {
        Activator activator = route.activator();
        Activator.Entry entry = current.hold;
        if (activator == null || (entry != null && entry.activator != activator)) {
            leaveHold(current); // the service no longer scales from zero, or its route was replaced
            return false;
        }
        if (entry == null) {
            current.sharedOutsideConnection = true; // the activator may call back after the exchange ended
            entry = activator.entry(new HeldExchange(this, current));
        }
        if (!activator.hold(entry)) {
            respondError(
                    current,
                    503,
                    "service '" + route.route().service() + "' is starting and already holds "
                            + activator.settings().queue() + " requests (autoscaling.activation_queue), retry later",
                    true);
            return true;
        }
        current.hold = entry;
        if (listener.route().hasReadyBackend(System.nanoTime())) {
            activator.wake(); // a backend became ready between the choice and the hold, and its wake found none held
        }
        return true;
    }

    /** The exchange stops waiting for a backend (dispatched, answered or aborted); a no-op when it is not held. */
    void leaveHold(Exchange current) {
        Activator.Entry entry = current.hold;
        if (entry != null) {
            current.hold = null;
            entry.activator.leave(entry);
        }
    }

    /** A backend of the held exchange's service may be ready: dispatch it again, on the route the listener has now. */
    synchronized void resumeHeld(Exchange held) {
        if (closed || exchange != held || held.hold == null) {
            return;
        }
        RouteState now = listener.route();
        if (now != held.route && now.route().service().equals(held.route.route().service())) {
            held.route = now;
        }
        dispatch(held);
        if (!closed && exchange == held && !upstreamWritePending && held.hold == null) {
            process();
            armClientRead();
        }
    }

    /** The held exchange's activation timeout passed with no ready backend: 503 with Retry-After. */
    synchronized void expireHeld(Exchange held) {
        Activator.Entry entry = held.hold;
        if (closed || exchange != held || entry == null) {
            return;
        }
        leaveHold(held);
        String service = held.route.route().service();
        long timeout = entry.activator.settings().timeout().toSeconds();
        log.atDebug()
                .addKeyValue("service", service)
                .addKeyValue("activation_timeout_s", timeout)
                .log("No backend became ready for a held request within the activation timeout: answered 503");
        respondError(
                held,
                503,
                "no backend of service '" + service + "' became ready within its activation_timeout (" + timeout
                        + "s), retry later",
                true);
    }

    /** The activator's handle on one held exchange of this connection. */
    private record HeldExchange(ForwardingConnection connection, Exchange exchange) implements Activator.Held {
        @Override
        public void release() {
            connection.resumeHeld(exchange);
        }

        @Override
        public void expire() {
            connection.expireHeld(exchange);
        }
    }

    /**
     * Chooses a ready backend and counts the request on it. A drain that began between the choice and the count read
     * the count first and would not wait for this request, so the backend is checked again after counting (both are
     * volatile: the drain sees the count, or this sees the drain) and another one is chosen. Bounded: a draining or
     * removed backend is never chosen again.
     */
    private @Nullable BackendState claimBackend(RouteState route, Exchange current) {
        while (true) {
            BackendState backend =
                    route.balancer().choose(route.backendArray(), System.nanoTime(), current.failedBackends);
            if (backend == null) {
                return null;
            }
            backend.requestStarted();
            if (!backend.isDraining() && !backend.isRemoved()) {
                return backend;
            }
            backend.requestEnded();
        }
    }

    void bind(Exchange current, UpstreamConnection upstream) {
        current.upstream = upstream;
        upstream.bind(this, current.head);
        upstream.armRead();
    }

    synchronized void onUpstreamConnected(Exchange connecting, UpstreamConnection upstream) {
        if (exchange != connecting || closed || connecting.phase != Exchange.RequestPhase.AWAITING_UPSTREAM) {
            if (!upstream.backend().releaseIdle(upstream)) {
                upstream.close();
            } else {
                upstream.armRead();
            }
            return;
        }
        bind(connecting, upstream);
        sendRequestHead(connecting);
        if (!closed && exchange == connecting && !upstreamWritePending) {
            process();
            armClientRead();
        }
    }

    synchronized void onUpstreamConnectFailed(Exchange connecting, BackendState backend, Throwable failure) {
        if (exchange != connecting || connecting.backend != backend) {
            return;
        }
        connecting.route.metrics().connectFailed();
        log.atDebug()
                .addKeyValue("backend", backend.id())
                .addKeyValue("error", failure.toString())
                .log("Connect to backend failed");
        failAttempt(connecting, failure, true, false);
    }

    void sendRequestHead(Exchange current) {
        current.phase = Exchange.RequestPhase.SENDING_HEAD;
        current.requestBytesSent = true;
        headOut.position(0);
        if (writeUpstream(current, headOut)) {
            requestHeadSent(current);
        }
    }

    void requestHeadSent(Exchange current) {
        current.phase = current.requestMessageDone ? Exchange.RequestPhase.SENT : Exchange.RequestPhase.SENDING_BODY;
    }

    boolean sendRequestContent(Exchange current, ByteBuffer content) {
        current.bodyStreamed = true;
        if (!current.chunkedRequest) {
            return writeUpstream(current, content);
        }
        requestChunkHead.clear();
        Heads.putChunkSize(requestChunkHead, content.remaining());
        requestChunkHead.flip();
        return writeUpstream(current, requestChunkHead, content, CRLF.duplicate());
    }

    /** True when the write completed at once; otherwise the write callback resumes (or the failure was handled). */
    boolean writeUpstream(Exchange current, ByteBuffer buffer) {
        ByteBuffer[] gather = upstreamGather[0];
        gather[0] = buffer;
        return writeUpstream(current, gather);
    }

    boolean writeUpstream(Exchange current, ByteBuffer first, ByteBuffer second, ByteBuffer third) {
        ByteBuffer[] gather = upstreamGather[2];
        gather[0] = first;
        gather[1] = second;
        gather[2] = third;
        return writeUpstream(current, gather);
    }

    boolean writeUpstream(Exchange current, ByteBuffer[] buffers) {
        UpstreamConnection upstream = current.upstream;
        if (upstream == null) {
            return false;
        }
        upstreamWritePending = true;
        inUpstreamWrite = true;
        try {
            upstream.getEndPoint().write(upstream.writeCallback, buffers);
        } finally {
            inUpstreamWrite = false;
        }
        Throwable failure = upstreamWriteFailure;
        if (failure != null) {
            upstreamWriteFailure = null;
            upstreamWritePending = false;
            onUpstreamFailed(upstream, failure);
            return false;
        }
        return !upstreamWritePending;
    }

    synchronized void onUpstreamWriteComplete(UpstreamConnection upstream, @Nullable Throwable failure) {
        Exchange current = exchange;
        if (current == null || current.upstream != upstream) {
            return; // a write of an abandoned attempt
        }
        if (inUpstreamWrite) {
            if (failure != null) {
                upstreamWriteFailure = failure;
            } else {
                upstreamWritePending = false;
            }
            return;
        }
        upstreamWritePending = false;
        if (failure != null) {
            onUpstreamFailed(upstream, failure);
            return;
        }
        if (tunnel) {
            BufferUtil.clear(input);
            armClientRead();
            return;
        }
        if (current.phase == Exchange.RequestPhase.SENDING_HEAD) {
            requestHeadSent(current);
        }
        process();
        armClientRead();
    }

    synchronized void onUpstreamFailed(UpstreamConnection upstream, Throwable failure) {
        Exchange current = exchange;
        if (current == null || current.upstream != upstream) {
            upstream.close();
            return;
        }
        failAttempt(current, failure, false, false);
    }

    synchronized void onUpstreamIdle(UpstreamConnection upstream, TimeoutException timeout) {
        Exchange current = exchange;
        if (current == null || current.upstream != upstream) {
            upstream.close();
            return;
        }
        if (tunnel) {
            close();
            return;
        }
        if (clientWritePending) {
            return; // the client is slow, not the backend
        }
        failAttempt(current, timeout, false, true);
    }

    /** Detaches the exchange's upstream connection, if any, and closes it: it holds half an exchange. */
    private void closeUpstream(Exchange current) {
        UpstreamConnection upstream = current.upstream;
        current.upstream = null;
        upstreamWritePending = false;
        if (upstream != null) {
            upstream.releaseBuffers(!clientWritePending);
            upstream.unbind();
            upstream.close();
        }
    }

    /** Ends the current attempt; retries on another backend when allowed, else answers 502/504 or aborts. */
    void failAttempt(Exchange current, Throwable failure, boolean connectFailed, boolean timedOut) {
        closeUpstream(current);
        BackendState backend = current.backend;
        current.backend = null;
        RouteState route = current.route;
        if (backend != null) {
            backend.requestEnded();
            if (!timedOut && route.onBackendError(backend)) {
                log.atWarn()
                        .addKeyValue("service", route.route().service())
                        .addKeyValue("backend", backend.id())
                        .addKeyValue("ejections", backend.outlier().ejections())
                        .log("Backend ejected after consecutive errors");
            }
        }
        if (current.responseStarted) {
            current.status = current.status == 0 ? 502 : current.status;
            route.metrics().response(current.status, System.nanoTime() - current.startNanos);
            exchange = null;
            close();
            return;
        }
        current.failureStatus = timedOut ? 504 : 502;
        if (!timedOut
                && RetryPolicy.mayRetry(current.attempt(connectFailed), options.maxRetriesPerRequest())
                && route.retryBudget().tryWithdraw()) {
            retryElsewhere(current, route, backend, failure, connectFailed);
            dispatch(current);
            return;
        }
        String what = timedOut ? "timed out" : "failed: " + failure.getMessage();
        logUnhiddenFailure(current, route, backend, failure, connectFailed);
        respondError(
                current, current.failureStatus, "upstream of '" + route.route().service() + "' " + what, false);
    }

    /** Books a retry of the exchange (the backend it failed on is never chosen again for it) before dispatching it. */
    private void retryElsewhere(
            Exchange current,
            RouteState route,
            @Nullable BackendState backend,
            Throwable failure,
            boolean connectFailed) {
        current.retries++;
        if (!connectFailed) {
            current.resentRetries++;
        }
        if (backend != null) {
            if (current.failedBackends == null) {
                current.failedBackends = new HashSet<>(4);
            }
            current.failedBackends.add(backend);
        }
        // Retry among the backends the listener routes to now: the table may have changed since the request
        // arrived (a dead container's pod left it, or came back at a new address).
        RouteState now = listener.route();
        if (now != route && now.route().service().equals(route.route().service())) {
            current.route = now;
        }
        current.requestBytesSent = false;
        current.reusedConnection = false;
        current.forgetFailedResponse();
        route.metrics().retried();
        log.atDebug()
                .addKeyValue("service", route.route().service())
                .addKeyValue("failed_backend", backend == null ? "" : backend.id())
                .addKeyValue("error", failure.toString())
                .log("Retrying on another backend");
    }

    /** The client sees a 502/504 the proxy made: say which backend failed and why no retry could hide it. */
    private void logUnhiddenFailure(
            Exchange current,
            RouteState route,
            @Nullable BackendState backend,
            Throwable failure,
            boolean connectFailed) {
        log.atWarn()
                .addKeyValue("service", route.route().service())
                .addKeyValue("backend", backend == null ? "" : backend.id())
                .addKeyValue("status", current.failureStatus)
                .addKeyValue("error", failure.toString())
                .addKeyValue("connect_failed", connectFailed)
                .addKeyValue("request_sent", current.requestBytesSent)
                .addKeyValue("reused_connection", current.reusedConnection)
                .addKeyValue("retries", current.retries)
                .log("Upstream failure answered to the client, not retried");
    }

    /** Answers the exchange with the proxy's own short response. */
    void respondError(Exchange current, int status, String message, boolean retryAfter) {
        current.generated = true;
        current.status = status;
        current.responseComplete = true;
        current.responseStarted = true;
        boolean bodyPending = current.hasBody && !current.requestMessageDone;
        if (bodyPending || current.clientClose) {
            current.closeAfterResponse = true;
        }
        if (!acquireHead(Integer.MAX_VALUE)) {
            return; // closed: no head buffer within the pool's bound
        }
        Heads.writeErrorResponse(
                headOut,
                status,
                message + "\n",
                retryAfter ? Math.max(1, options.retryAfter().toSeconds()) : -1,
                current.closeAfterResponse);
        headOut.flip();
        if (writeClient(headOut)) {
            completeExchange(current);
        }
    }

    /** A response before any exchange exists (bad or slow request head): always closes the connection. */
    void respondWithoutExchange(int status, String message) {
        RouteState route = listener.route();
        Exchange failed = new Exchange(route);
        failed.start(route, System.nanoTime(), method, false, true, false, false, null);
        failed.closeAfterResponse = true;
        exchange = failed;
        respondError(failed, status, message, false);
    }

    @Override
    void abortExchange() {
        Exchange current = exchange;
        exchange = null;
        if (current == null) {
            return;
        }
        leaveHold(current); // a held request whose client went away: out of the queue and the pending count
        UpstreamConnection upstream = current.upstream;
        current.upstream = null;
        if (upstream != null) {
            upstream.releaseBuffers(!clientWritePending);
            upstream.unbind();
            upstream.close();
        }
        BackendState backend = current.backend;
        current.backend = null;
        if (backend != null) {
            if (tunnel) {
                backend.upgradeEnded();
            } else {
                backend.requestEnded();
            }
        }
    }
}
