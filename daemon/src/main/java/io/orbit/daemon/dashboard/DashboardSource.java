package io.orbit.daemon.dashboard;

import java.util.List;
import java.util.Map;

/**
 * What the dashboard shows, as the API shows it (the same views, the same hidden hashes): implemented by the API,
 * which owns those views, so the page never shows what {@code /status} or {@code /events} would not.
 */
public interface DashboardSource {

    /** {@code services} (as {@code /status}), {@code health} (as {@code /healthz}), {@code problems}. */
    Map<String, Object> overview();

    /** The journal entries after {@code sequence}, oldest first, as {@code /events} shows them. */
    List<Map<String, Object>> eventsAfter(long sequence);
}
