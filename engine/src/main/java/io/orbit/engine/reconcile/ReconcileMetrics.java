package io.orbit.engine.reconcile;

import java.time.Duration;
import java.util.Optional;

/**
 * What a reconcile pass reports about itself: the daemon backs it with Micrometer meters and the event journal
 * ({@link io.orbit.engine.reconcile.JournalingMetrics}). Called on the worker thread; implementations are quick.
 */
public interface ReconcileMetrics {

    ReconcileMetrics NONE = new ReconcileMetrics() {
        @Override
        public void passFinished(String service, Optional<String> error, Duration duration) {}

        @Override
        public void podStarted(String service, String podId, String reason) {}

        @Override
        public void podRemoved(String service, String podId, String reason) {}
    };

    /** A pass ended, with its error when it failed. */
    void passFinished(String service, Optional<String> error, Duration duration);

    void podStarted(String service, String podId, String reason);

    void podRemoved(String service, String podId, String reason);
}
