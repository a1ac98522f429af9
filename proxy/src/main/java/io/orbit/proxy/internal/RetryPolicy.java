package io.orbit.proxy.internal;

/**
 * When a failed attempt may be retried on a different backend (DESIGN-NOTES §3, Pingora failure.md): when the connect
 * failed (nothing was sent), whatever the method; and for an idempotent request whose attempt failed before any byte
 * of the response went to the client — RFC 9110 §9.2.2 allows repeating those, and a GET in flight to a backend that
 * was just killed would otherwise become a 502 (measured: 1 in 1,500 GETs through a SIGKILL). That includes a backend
 * killed between writing its response head and its body (the demo image's busybox httpd writes them in two calls):
 * the proxy holds the head until the body's first bytes, so the client has seen nothing (CI, 1 in 1,500 again). As
 * nginx's {@code proxy_next_upstream}: never once a byte went to the client, never once a byte of the request body
 * was streamed, and never a non-idempotent request that was sent.
 *
 * <p>{@code maxRetries} bounds only the re-sends of a request that was already sent. A failed connect sent nothing and
 * moves on to the next backend not yet tried (as nginx's {@code proxy_next_upstream error} does): the caller never
 * returns to a backend the request failed on, so the backends of the route bound it, and the retry budget bounds the
 * whole. With one retry in all, a GET whose first connect met a pod just killed and whose second met a pod being
 * removed by a scale-down became a 502 (CI, 1 in 1,500).
 */
public final class RetryPolicy {

    private RetryPolicy() {}

    /** What is known about an attempt that failed before its response completed. */
    public record Attempt(
            boolean connectFailed,
            boolean requestBytesSent,
            boolean reusedConnection,
            boolean bodyStreamed,
            /* a byte of the response went to the client: a head received and held back does not count */
            boolean responseStarted,
            boolean idempotent,
            int resentSoFar) {}

    public static boolean mayRetry(Attempt attempt, int maxRetries) {
        if (attempt.responseStarted() || attempt.bodyStreamed()) {
            return false;
        }
        if (attempt.connectFailed()) {
            return true;
        }
        return attempt.idempotent() && attempt.resentSoFar() < maxRetries;
    }

    /** RFC 9110 §9.2.2. */
    public static boolean isIdempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }
}
