package io.orbit.engine.reconcile;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.runtime.ContainerEvent;
import io.orbit.runtime.EventListener;
import java.time.Duration;

/**
 * Turns runtime events into queue entries (never into work). A container that died or was OOM-killed is checked at
 * once and again a moment later: Docker 20.10 still lists a container as running for up to ~100 ms after its die
 * event, so the first pass may see nothing wrong, and waiting for the resync would add seconds to the recovery.
 */
final class EventTrigger implements EventListener {

    static final Duration RECHECK_AFTER = Duration.ofMillis(300);

    private final ReconcileQueue queue;
    private final Runnable onStreamReconnected;

    EventTrigger(ReconcileQueue queue, Runnable onStreamReconnected) {
        this.queue = queue;
        this.onStreamReconnected = onStreamReconnected;
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
                queue.enqueueAfter(service, RECHECK_AFTER);
            }
            case START, HEALTH_STATUS, REMOVE -> queue.enqueue(service);
        }
    }

    @Override
    public void onStreamReconnected() {
        onStreamReconnected.run();
    }
}
