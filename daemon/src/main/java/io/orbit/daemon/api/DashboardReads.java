package io.orbit.daemon.api;

import io.orbit.daemon.dashboard.DashboardSource;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The dashboard's views: exactly those of {@code /status}, {@code /healthz}, {@code /problems} and {@code /events}. */
final class DashboardReads implements DashboardSource {

    private final ReadEndpoints reads;
    private final EventsEndpoint events;

    @Inject
    DashboardReads(ReadEndpoints reads, EventsEndpoint events) {
        this.reads = reads;
        this.events = events;
    }

    @Override
    public Map<String, Object> overview() {
        Map<String, Object> overview = new LinkedHashMap<>();
        overview.put("services", reads.status());
        overview.put("health", reads.health().getValue());
        overview.put("problems", reads.problems());
        return overview;
    }

    @Override
    public List<Map<String, Object>> eventsAfter(long sequence) {
        try {
            return events.events(Optional.of(Long.toString(sequence)), Optional.empty());
        } catch (InterruptedException notWaiting) {
            // without 'wait' nothing blocks; keep the flag for whoever asked
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
