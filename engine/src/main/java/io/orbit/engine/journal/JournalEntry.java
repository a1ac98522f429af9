package io.orbit.engine.journal;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One thing that happened.
 *
 * @param sequence grows by one per entry, so a client can ask for everything after the last one it saw
 * @param kind a short machine-readable word, e.g. {@code pod-started}, {@code pod-removed}, {@code pass-failed}
 * @param message the reason, as a human reads it
 */
public record JournalEntry(
        long sequence, Instant time, String kind, Optional<String> service, Optional<String> pod, String message) {

    public JournalEntry {
        requireNonNull(time, "time is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(service, "service is null");
        requireNonNull(pod, "pod is null");
        requireNonNull(message, "message is null");
    }
}
