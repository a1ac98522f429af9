package io.orbit.engine.netlimit;

/** Applies a network limit to a running container. */
public interface NetworkLimiter {

    /** Whether this limiter can work at all on this host (decided once, when it was built). */
    NetworkLimitSupport support();

    /**
     * Applies {@code limit} to the network namespace of the process {@code pid} (a running container's main process).
     *
     * @throws NetworkLimitException with what failed and the command's output
     */
    void apply(long pid, NetworkLimit limit) throws NetworkLimitException;

    /** A limit that could not be applied. */
    final class NetworkLimitException extends Exception {
        private static final long serialVersionUID = 1L;

        public NetworkLimitException(String message) {
            super(message);
        }

        public NetworkLimitException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
