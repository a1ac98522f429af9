package io.orbit.proxy.internal;

/**
 * When a failed attempt may be retried on a different backend (DESIGN-NOTES §3, Pingora failure.md): when the connect
 * failed (nothing was sent), or for an idempotent request when nothing went upstream — or when it went over a reused
 * keep-alive connection that the backend had closed before answering (nginx and Pingora retry that case too). Never
 * once a byte of the request body was streamed or a byte of the response arrived.
 */
public final class RetryPolicy {

    private RetryPolicy() {}

    /** What is known about an attempt that failed before its response completed. */
    public record Attempt(
            boolean connectFailed,
            boolean requestBytesSent,
            boolean reusedConnection,
            boolean bodyStreamed,
            boolean responseStarted,
            boolean idempotent,
            int retriesSoFar) {}

    public static boolean mayRetry(Attempt attempt, int maxRetries) {
        if (attempt.responseStarted() || attempt.bodyStreamed() || attempt.retriesSoFar() >= maxRetries) {
            return false;
        }
        if (attempt.connectFailed()) {
            return true;
        }
        return attempt.idempotent() && (!attempt.requestBytesSent() || attempt.reusedConnection());
    }

    /** RFC 9110 §9.2.2. */
    public static boolean isIdempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }
}
