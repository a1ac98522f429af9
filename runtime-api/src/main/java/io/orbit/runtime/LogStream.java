package io.orbit.runtime;

import java.time.Duration;
import java.util.Optional;

/**
 * Log lines of one container being delivered to a {@link LogListener} (see {@link ContainerRuntime#logs}). Closing it
 * stops the delivery and the request to the engine; closing an ended stream does nothing. Thread-safe.
 */
public interface LogStream extends AutoCloseable {

    /**
     * Waits until the stream has ended: every requested line was delivered (without follow), the container stopped
     * (with follow), the engine went away, or the stream was closed.
     *
     * @return true when it has ended, false when the timeout passed first
     */
    boolean awaitEnd(Duration timeout) throws InterruptedException;

    /** True once no more lines will be delivered. */
    boolean isEnded();

    /** Why the stream ended early, e.g. the engine's connection broke off; empty while running or after a normal end. */
    Optional<ContainerRuntimeException> failure();

    @Override
    void close();
}
