package io.orbit.runtime;

/** A running event stream; closing it stops the stream and its reconnect loop. */
public interface EventSubscription extends AutoCloseable {

    /** True while connected to the engine (false during a reconnect back-off). */
    boolean isConnected();

    @Override
    void close();
}
