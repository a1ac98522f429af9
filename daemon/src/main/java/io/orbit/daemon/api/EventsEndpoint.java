package io.orbit.daemon.api;

import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.journal.JournalEntry;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /events?after=SEQUENCE&wait=SECONDS}: the journal entries after a sequence number, oldest first. With
 * {@code wait} the request is held until an entry arrives or the wait ends (a long poll: {@code orbit events
 * --follow} asks again with the last sequence it saw).
 */
final class EventsEndpoint {

    /** The longest a request is held; the connectors' idle timeout is longer. */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private final EventJournal journal;
    private final ExposedHashes hashes;

    @Inject
    EventsEndpoint(EventJournal journal, ExposedHashes hashes) {
        this.journal = journal;
        this.hashes = hashes;
    }

    List<Map<String, Object>> events(Optional<String> after, Optional<String> wait) throws InterruptedException {
        long sequence = number("after", after.orElse("0"));
        long seconds = number("wait", wait.orElse("0"));
        Duration held = Duration.ofSeconds(Math.min(seconds, MAX_WAIT.toSeconds()));
        List<JournalEntry> entries = held.isZero() ? journal.after(sequence) : journal.await(sequence, held);
        return hashes.answer(entries.stream().map(EventsEndpoint::view).toList());
    }

    static Map<String, Object> view(JournalEntry entry) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("sequence", entry.sequence());
        view.put("time", entry.time().toString());
        view.put("kind", entry.kind());
        view.put("service", entry.service().orElse(null));
        view.put("pod", entry.pod().orElse(null));
        view.put("message", entry.message());
        return view;
    }

    private static long number(String parameter, String value) {
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw ApiException.badRequest(
                "'%s' must be a whole number of 0 or more, got '%s'".formatted(parameter, value),
                "e.g. /events?after=0&wait=30 (after: the last sequence seen; wait: seconds to hold the request, at most "
                        + MAX_WAIT.toSeconds() + ")");
    }
}
