package io.orbit.engine;

import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.reconcile.RetryBackoff;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import java.time.InstantSource;

/**
 * The {@link Engine}'s shared state: thread-safe values without threads, made before the engine because the meters
 * and the API read them too.
 */
public record EngineStores(DesiredState desired, StatusStore status, EventJournal journal, ReconcileQueue queue) {

    public static EngineStores create(InstantSource clock) {
        return new EngineStores(
                new DesiredState(),
                new StatusStore(),
                new EventJournal(clock, EventJournal.DEFAULT_CAPACITY),
                new ReconcileQueue(clock, RetryBackoff.DEFAULT));
    }
}
