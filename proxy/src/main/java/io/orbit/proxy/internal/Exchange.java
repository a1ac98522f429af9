package io.orbit.proxy.internal;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One request/response through the proxy, across its attempts. Guarded by its {@link DownstreamConnection}'s lock.
 *
 * <p>A keep-alive connection reuses its last exchange for the next request ({@link #start}), so that the steady state
 * allocates none. Callbacks tell exchanges apart by identity, so an exchange is reused only when nothing can call back
 * with it later: never once {@link #sharedOutsideConnection} (a connect in progress or the activator's queue holds it),
 * and only after the calls that completed it returned (see {@code DownstreamConnection.completeExchange}).
 */
final class Exchange {

    enum RequestPhase {
        AWAITING_UPSTREAM,
        SENDING_HEAD,
        SENDING_BODY,
        SENT
    }

    /** The route the request is served from; a retry moves to the listener's current route of the same service. */
    RouteState route;

    long startNanos;
    String method = "";
    boolean idempotent;
    boolean head;
    boolean http10;
    boolean hasBody;
    boolean chunkedRequest;

    @Nullable
    String upgrade;

    boolean clientClose;
    RequestPhase phase = RequestPhase.AWAITING_UPSTREAM;
    boolean requestMessageDone;
    boolean bodyStreamed;

    // The current attempt.
    @Nullable
    BackendState backend;

    @Nullable
    UpstreamConnection upstream;

    boolean reusedConnection;
    boolean requestBytesSent;

    // Across attempts.
    /** Every retry of this request so far; {@link #resentRetries} counts those that re-sent a request already sent. */
    int retries;

    int resentRetries;

    /**
     * The backends this request failed on: a retry never goes back to one (a backend that moved to a new address is a
     * new state, and may serve it). Allocated on the first failure only.
     */
    @Nullable
    Set<BackendState> failedBackends;

    int failureStatus;

    /** Its place in the route's {@link Activator} while it waits for a backend of a scaled-to-zero service, else null. */
    Activator.@Nullable Entry hold;

    // The response.
    boolean responseHeadSeen;
    boolean interim;
    boolean headPending;
    boolean responseStarted;
    boolean responseComplete;
    boolean upstreamClose;
    boolean chunkedResponse;
    boolean closeAfterResponse;
    boolean generated;
    int status;

    /**
     * A {@link PendingConnect} or the activator's queue holds this exchange and may call back with it after it ended,
     * so it is never reused: a late callback must not find it serving another request.
     */
    boolean sharedOutsideConnection;

    /** A new exchange: {@link #start} makes it the exchange of a request. */
    Exchange(RouteState route) {
        this.route = route;
    }

    /**
     * Makes this the exchange of a new request: a new one, or the connection's last one reused. Every field is set, so a
     * reused exchange keeps nothing of its last request (ExchangeReuseTest checks it field by field).
     */
    void start(
            RouteState route,
            long startNanos,
            String method,
            boolean http10,
            boolean clientClose,
            boolean hasBody,
            boolean chunkedRequest,
            @Nullable String upgrade) {
        this.route = route;
        this.startNanos = startNanos;
        this.method = method;
        this.idempotent = RetryPolicy.isIdempotent(method);
        this.head = "HEAD".equals(method);
        this.http10 = http10;
        this.hasBody = hasBody;
        this.chunkedRequest = chunkedRequest;
        this.upgrade = upgrade;
        this.clientClose = clientClose;
        phase = RequestPhase.AWAITING_UPSTREAM;
        requestMessageDone = false;
        bodyStreamed = false;
        backend = null;
        upstream = null;
        reusedConnection = false;
        requestBytesSent = false;
        retries = 0;
        resentRetries = 0;
        failedBackends = null;
        failureStatus = 0;
        hold = null;
        forgetFailedResponse();
        responseStarted = false;
        responseComplete = false;
        closeAfterResponse = false;
        generated = false;
        sharedOutsideConnection = false;
    }

    /**
     * Forgets what a failed attempt's backend said before it failed (a head the client has not been sent), so that a
     * retry on another backend starts its response afresh.
     */
    void forgetFailedResponse() {
        responseHeadSeen = false;
        interim = false;
        headPending = false;
        upstreamClose = false;
        chunkedResponse = false;
        status = 0;
    }

    RetryPolicy.Attempt attempt(boolean connectFailed) {
        return new RetryPolicy.Attempt(
                connectFailed,
                requestBytesSent,
                reusedConnection,
                bodyStreamed,
                responseStarted,
                idempotent,
                resentRetries);
    }
}
