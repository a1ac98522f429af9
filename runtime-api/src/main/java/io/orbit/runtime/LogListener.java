package io.orbit.runtime;

/**
 * Receives a container's log lines, oldest first, one at a time, on the {@link LogStream}'s own thread.
 * Implementations return quickly (hand the line on, do not block on a slow client for long) and do not throw.
 */
@FunctionalInterface
public interface LogListener {

    void onLine(LogLine line);
}
