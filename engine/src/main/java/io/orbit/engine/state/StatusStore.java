package io.orbit.engine.state;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/** The last observed status of every service; written by reconcile workers, read lock-free by the API. */
public final class StatusStore {

    private final AtomicReference<Map<String, ServiceStatus>> services = new AtomicReference<>(Map.of());
    private final java.util.List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Runs {@code listener} after every change, on the thread that made it (a reconcile worker). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** All services, sorted by name. */
    public Map<String, ServiceStatus> services() {
        return requireNonNull(services.get(), "set at construction, never to null");
    }

    public void put(ServiceStatus status) {
        services.updateAndGet(current -> {
            TreeMap<String, ServiceStatus> next = new TreeMap<>(current);
            next.put(status.name(), status);
            return java.util.Collections.unmodifiableMap(next);
        });
        listeners.forEach(Runnable::run);
    }

    public void remove(String service) {
        services.updateAndGet(current -> {
            TreeMap<String, ServiceStatus> next = new TreeMap<>(current);
            next.remove(service);
            return java.util.Collections.unmodifiableMap(next);
        });
        listeners.forEach(Runnable::run);
    }
}
