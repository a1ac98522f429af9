package io.orbit.daemon.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts {@link Managed} components in declared order and stops the started ones in reverse (Airlift's
 * LifeCycleManager). When a start fails, what already started is stopped and each stop failure is attached to the
 * start failure as suppressed; nothing is swallowed.
 */
public final class Lifecycle {

    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final List<Managed> components;
    private final Deque<Managed> started = new ArrayDeque<>();

    public Lifecycle(List<Managed> components) {
        this.components = List.copyOf(components);
    }

    public synchronized void start() throws Exception {
        for (Managed component : components) {
            try {
                component.start();
                started.push(component);
                log.atDebug().addKeyValue("component", component.name()).log("started");
            } catch (Exception e) {
                Exception failure = new Exception("cannot start " + component.name() + ": " + e.getMessage(), e);
                stopInto(failure);
                throw failure;
            }
        }
    }

    /** Stops everything that started, in reverse order; returns the failures (already logged). */
    public synchronized void stop() {
        Exception failures = new Exception("stop failures");
        stopInto(failures);
        for (Throwable failure : failures.getSuppressed()) {
            log.atWarn().log("stop failed: " + failure.getMessage());
        }
    }

    private void stopInto(Exception failures) {
        while (!started.isEmpty()) {
            Managed component = started.pop();
            try {
                component.close();
            } catch (Exception e) {
                failures.addSuppressed(new Exception("cannot stop " + component.name() + ": " + e.getMessage(), e));
            }
        }
    }
}
