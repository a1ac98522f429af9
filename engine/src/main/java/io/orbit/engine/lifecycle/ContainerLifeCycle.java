package io.orbit.engine.lifecycle;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parts started in the order they were added and stopped in reverse, as Jetty 12's {@code ContainerLifeCycle} does
 * with its managed beans: add each part after the parts it uses. Every failure is kept:
 *
 * <ul>
 *   <li>a part that fails to start leaves the parts already started stopped (in reverse), and its failure is thrown
 *       with each of their stop failures attached as suppressed;
 *   <li>{@link #stop()} stops every started part even when some fail, and returns one failure holding each part's
 *       failure as suppressed (each is logged too).
 * </ul>
 *
 * <p>It is itself {@link Managed}, so a lifecycle may be a part of another. Parts are added while stopped, never
 * while it runs. Thread-safe: start and stop are serialised (a stop that arrives during a start, e.g. a shutdown
 * hook, waits for the start to end and then stops what started).
 */
public final class ContainerLifeCycle implements Managed {

    private static final Logger log = LoggerFactory.getLogger(ContainerLifeCycle.class);

    /** Jetty's states; FAILED is where a failed start ends, with nothing left running. */
    public enum State {
        STOPPED,
        STARTING,
        STARTED,
        STOPPING,
        FAILED
    }

    private final String name;
    private final List<Managed> parts = new ArrayList<>();
    private final Deque<Managed> started = new ArrayDeque<>();
    private State state = State.STOPPED;

    public ContainerLifeCycle(String name) {
        this.name = requireNonNull(name, "name is null");
    }

    /** A lifecycle of these parts, in this start order. */
    public static ContainerLifeCycle of(String name, List<? extends Managed> parts) {
        ContainerLifeCycle lifecycle = new ContainerLifeCycle(name);
        parts.forEach(lifecycle::add);
        return lifecycle;
    }

    @Override
    public String name() {
        return name;
    }

    /** Adds a part that starts after every part added before it and stops before them. */
    public synchronized ContainerLifeCycle add(Managed part) {
        requireNonNull(part, "part is null");
        if (state != State.STOPPED && state != State.FAILED) {
            throw new IllegalStateException("cannot add '" + part.name() + "' to " + name + " while it is "
                    + state.name().toLowerCase(java.util.Locale.ROOT) + "; add every part before start()");
        }
        if (parts.contains(part)) {
            throw new IllegalArgumentException("'" + part.name() + "' is already a part of " + name);
        }
        parts.add(part);
        return this;
    }

    /** The parts' names in start order. */
    public synchronized List<String> partNames() {
        return parts.stream().map(Managed::name).toList();
    }

    public synchronized State state() {
        return state;
    }

    /**
     * Starts every part in order. When one fails, the started ones are stopped in reverse and the start failure is
     * thrown with their stop failures suppressed; the lifecycle is then {@link State#FAILED} with nothing running.
     */
    @Override
    public synchronized void start() throws Exception {
        if (state == State.STARTED) {
            return;
        }
        state = State.STARTING;
        for (Managed part : parts) {
            try {
                part.start();
            } catch (Exception | LinkageError e) {
                Exception failure = new Exception("cannot start " + part.name() + ": " + e.getMessage(), e);
                stopStarted(failure);
                state = State.FAILED;
                throw failure;
            }
            started.push(part);
            log.atDebug().addKeyValue("part", part.name()).log("started");
        }
        state = State.STARTED;
    }

    /**
     * Stops every started part in reverse start order, also when some fail; returns the failures (each logged), as
     * the suppressed exceptions of one.
     */
    public synchronized Optional<Exception> stop() {
        if (started.isEmpty()) {
            state = state == State.FAILED ? State.FAILED : State.STOPPED;
            return Optional.empty();
        }
        state = State.STOPPING;
        Exception failures = new Exception("could not stop every part of " + name + " cleanly");
        stopStarted(failures);
        state = State.STOPPED;
        for (Throwable failure : failures.getSuppressed()) {
            log.atWarn().setCause(failure.getCause()).log(failure.getMessage());
        }
        return failures.getSuppressed().length == 0 ? Optional.empty() : Optional.of(failures);
    }

    /** Stops this lifecycle as a part of another one; throws the stop failures, if any. */
    @Override
    public void close() throws Exception {
        Optional<Exception> failure = stop();
        if (failure.isPresent()) {
            throw failure.get();
        }
    }

    private void stopStarted(Exception failures) {
        while (!started.isEmpty()) {
            Managed part = started.pop();
            try {
                part.close();
                log.atDebug().addKeyValue("part", part.name()).log("stopped");
            } catch (Exception | LinkageError e) {
                failures.addSuppressed(new Exception("cannot stop " + part.name() + ": " + e.getMessage(), e));
            }
        }
    }

    @Override
    public String toString() {
        return name + " " + partNames();
    }
}
