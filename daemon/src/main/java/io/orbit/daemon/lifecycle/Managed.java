package io.orbit.daemon.lifecycle;

/** A component with threads, sockets or files: started after the injector exists, closed in reverse order. */
public interface Managed extends AutoCloseable {

    /** A short name for logs, e.g. "api server". */
    String name();

    void start() throws Exception;

    @Override
    void close() throws Exception;
}
