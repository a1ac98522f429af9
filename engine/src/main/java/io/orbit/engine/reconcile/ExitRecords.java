package io.orbit.engine.reconcile;

import io.orbit.engine.health.ExitCause;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last exit of each container, by container id: its finish time (so each exit is reported once) and its cause
 * (for the restart's reason and {@code /status}). Passes of different services share it, so each pass forgets only
 * its own service's containers. Thread-safe.
 */
final class ExitRecords {

    private record ExitRecord(String service, Instant finishedAt, ExitCause cause) {}

    private final Map<String, ExitRecord> exits = new ConcurrentHashMap<>();

    /** Whether this exit of the container has not been reported yet. */
    boolean isNew(String containerId, Instant finishedAt) {
        ExitRecord known = exits.get(containerId);
        return known == null || !known.finishedAt().equals(finishedAt);
    }

    void record(String service, Observation.ContainerExit exit) {
        exits.put(exit.container().id(), new ExitRecord(service, exit.finishedAt(), exit.cause()));
    }

    Optional<ExitCause> lastExit(String containerId) {
        return Optional.ofNullable(exits.get(containerId)).map(ExitRecord::cause);
    }

    /** Forgets the service's containers that are gone. */
    void retain(String service, Set<String> stillThere) {
        exits.entrySet()
                .removeIf(exit -> exit.getValue().service().equals(service) && !stillThere.contains(exit.getKey()));
    }
}
