package io.orbit.proxy.internal;

import io.orbit.engine.routing.Backend;

/** Small builders for backend states in unit tests. */
final class TestBackends {

    private TestBackends() {}

    static BackendState up(String id) {
        BackendState backend = starting(id);
        backend.health().record(true);
        return backend;
    }

    static BackendState starting(String id) {
        return new BackendState(
                new Backend(id, "pod-" + id, "127.0.0.1", 10_000 + Math.abs(id.hashCode() % 1000)),
                new HealthTracker(3, 2),
                8);
    }

    static void load(BackendState backend, int inFlight) {
        for (int i = 0; i < inFlight; i++) {
            backend.requestStarted();
        }
    }
}
