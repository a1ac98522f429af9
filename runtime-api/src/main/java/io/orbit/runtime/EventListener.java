package io.orbit.runtime;

/**
 * Receives container events. Called from the subscription's own thread, one event at a time: implementations return
 * quickly (enqueue, do not reconcile inline) and do not throw.
 */
public interface EventListener {

    void onEvent(ContainerEvent event);

    /**
     * The stream was re-established after a failure; events may have been lost in between, so a level-triggered
     * consumer resyncs everything it watches.
     */
    default void onStreamReconnected() {}
}
