package io.orbit.engine.reconcile;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.runtime.ContainerEvent;
import io.orbit.runtime.EventListener;
import java.time.Duration;
import java.util.List;

/**
 * Turns runtime events into queue entries (never into work). A container that died or was OOM-killed is checked at
 * once and again a few times shortly after: Docker 20.10 still lists a container as running for ~100 ms after its die
 * event, and for up to a second when the host is busy, so the first pass may see nothing wrong, and waiting for the
 * resync would add seconds to the recovery.
 */
final class EventTrigger implements EventListener {

    /** When a service whose container died is checked again, counted from the event. */
    static final List<Duration> RECHECKS =
            List.of(Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofMillis(2500));

    /** Enqueues a service after a delay; each call stands alone (the queue's own timed requeue keeps only the earliest). */
    @FunctionalInterface
    interface Later {
        void enqueue(String service, Duration delay);
    }

    private final ReconcileQueue queue;
    private final Runnable onStreamReconnected;
    private final Later later;

    EventTrigger(ReconcileQueue queue, Runnable onStreamReconnected, Later later) {
        this.queue = queue;
        this.onStreamReconnected = onStreamReconnected;
        this.later = later;
    }

    @Override
    public void onEvent(ContainerEvent event) {
        String service = event.labels().get(OrbitLabels.SERVICE);
        if (service == null) {
            return;
        }
        switch (event.type()) {
            case CREATE -> {
                // our own pod starts: nothing to check
            }
            case DIE, OOM -> {
                queue.enqueue(service);
                RECHECKS.forEach(delay -> later.enqueue(service, delay));
            }
            case START, HEALTH_STATUS, REMOVE -> queue.enqueue(service);
        }
    }

    @Override
    public void onStreamReconnected() {
        onStreamReconnected.run();
    }
}
