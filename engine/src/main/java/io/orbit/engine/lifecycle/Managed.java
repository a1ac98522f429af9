package io.orbit.engine.lifecycle;

import static java.util.Objects.requireNonNull;

/**
 * A part with threads, sockets, processes or files: started by its {@link ContainerLifeCycle} after everything it
 * depends on, closed before them. Constructors of managed parts do no I/O; whatever touches the host or the engine
 * happens in {@link #start()}.
 */
public interface Managed extends AutoCloseable {

    /** A short name for logs and failures, e.g. "api server". */
    String name();

    void start() throws Exception;

    @Override
    void close() throws Exception;

    /** An action of a part; may throw anything, the lifecycle keeps it. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;

        Action NOTHING = () -> {};
    }

    /** A part made of two actions, for components whose start and stop have other names or arguments. */
    static Managed of(String name, Action start, Action stop) {
        requireNonNull(name, "name is null");
        requireNonNull(start, "start is null");
        requireNonNull(stop, "stop is null");
        return new Managed() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start() throws Exception {
                start.run();
            }

            @Override
            public void close() throws Exception {
                stop.run();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** A part that only needs closing (its threads start on demand, or it was opened by its constructor). */
    static Managed closing(String name, Action stop) {
        return of(name, Action.NOTHING, stop);
    }
}
