package io.orbit.engine.reconcile;

import io.orbit.engine.journal.EventJournal;
import java.time.Duration;
import java.util.Optional;

/** Writes what passes do into the journal, then hands it on to the metrics. */
public final class JournalingMetrics implements ReconcileMetrics {

    private final EventJournal journal;
    private final ReconcileMetrics next;

    public JournalingMetrics(EventJournal journal, ReconcileMetrics next) {
        this.journal = journal;
        this.next = next;
    }

    @Override
    public void passFinished(String service, Optional<String> error, Duration duration) {
        error.ifPresent(message -> journal.record("pass-failed", Optional.of(service), Optional.empty(), message));
        next.passFinished(service, error, duration);
    }

    @Override
    public void podStarted(String service, String podId, String reason) {
        journal.record("pod-started", Optional.of(service), Optional.of(podId), reason);
        next.podStarted(service, podId, reason);
    }

    @Override
    public void podRemoved(String service, String podId, String reason) {
        journal.record("pod-removed", Optional.of(service), Optional.of(podId), reason);
        next.podRemoved(service, podId, reason);
    }
}
