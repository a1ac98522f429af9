package io.orbit.engine.reconcile;

import java.time.Duration;

/** What the reconciler reports about itself; the daemon backs it with Micrometer meters. */
public interface ReconcileMetrics {

    ReconcileMetrics NONE = new ReconcileMetrics() {
        @Override
        public void passFinished(String service, boolean succeeded, Duration duration) {}

        @Override
        public void podStarted(String service) {}

        @Override
        public void podRemoved(String service) {}
    };

    void passFinished(String service, boolean succeeded, Duration duration);

    void podStarted(String service);

    void podRemoved(String service);
}
