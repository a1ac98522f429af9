package io.orbit.engine.health;

import java.time.Duration;

/** Runs probe work later, off the caller's thread. Abstract so tests can drive it with a manual clock. */
public interface ProbeScheduler extends AutoCloseable {

    /** A scheduled task that may be cancelled before it runs. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /**
     * Runs {@code task} after {@code delay}.
     *
     * @param callsEngine true when the task calls the container engine (exec probes): such calls must run on platform
     *     threads (see EngineHttpClient); socket probes run on virtual threads
     */
    Cancellable schedule(Duration delay, boolean callsEngine, Runnable task);

    @Override
    void close();
}
