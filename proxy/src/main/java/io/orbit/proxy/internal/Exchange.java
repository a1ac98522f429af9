package io.orbit.proxy.internal;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One request/response through the proxy, across its attempts. Guarded by its {@link DownstreamConnection}'s lock.
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

    final long startNanos;
    final String method;
    final boolean idempotent;
    final boolean head;
    final boolean http10;
    final boolean hasBody;
    final boolean chunkedRequest;
    final @Nullable String upgrade;

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

    Exchange(
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
        this.clientClose = clientClose;
        this.hasBody = hasBody;
        this.chunkedRequest = chunkedRequest;
        this.upgrade = upgrade;
    }

    RetryPolicy.Attempt attempt(boolean connectFailed) {
        return new RetryPolicy.Attempt(
                connectFailed,
                requestBytesSent,
                reusedConnection,
                bodyStreamed,
                responseHeadSeen,
                idempotent,
                resentRetries);
    }
}
