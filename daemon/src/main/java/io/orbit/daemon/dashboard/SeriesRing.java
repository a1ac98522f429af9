package io.orbit.daemon.dashboard;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The last {@link #WINDOW} of every service's chart values, in memory: one point per sample (a time and named values,
 * e.g. {@code requests_per_second}, {@code cpu_pod_0}) and markers (scaling decisions) on the time axis.
 *
 * <p>Bounded three ways: points and markers older than the window (from the newest point) are dropped, at most
 * {@code capacity} points and {@value #MAX_MARKERS} markers are kept per service, and services the daemon no longer
 * knows are forgotten ({@link #retain}). A restart of the daemon starts with empty charts: the engine keeps no durable
 * time series, and the page says the window starts at the daemon's start. Thread-safe.
 */
public final class SeriesRing {

    /** How far back the charts go. */
    public static final Duration WINDOW = Duration.ofMinutes(15);

    static final int MAX_MARKERS = 64;

    /** One sample: when, and each series' value (a series absent from a sample has no value then). */
    record Point(Instant at, Map<String, Double> values) {
        Point {
            requireNonNull(at, "at is null");
            values = Map.copyOf(values);
        }
    }

    /** A moment worth marking on the charts: a scaling decision, with its explanation. */
    record Marker(Instant at, String kind, String text) {
        Marker {
            requireNonNull(at, "at is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(text, "text is null");
        }
    }

    private final int capacity;
    private final Map<String, Deque<Point>> points = new HashMap<>();
    private final Map<String, Deque<Marker>> markers = new HashMap<>();

    /** @param capacity the most points kept per service (the window divided by the sampling interval) */
    public SeriesRing(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2 points, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** The capacity that holds {@link #WINDOW} at one point every {@code interval}. */
    static int capacityFor(Duration interval) {
        return (int) Math.max(2, WINDOW.toMillis() / interval.toMillis() + 1);
    }

    synchronized void add(String service, Instant at, Map<String, Double> values) {
        Deque<Point> ring = points.computeIfAbsent(service, any -> new ArrayDeque<>(capacity));
        ring.addLast(new Point(at, values));
        while (ring.size() > capacity) {
            ring.removeFirst();
        }
        Instant oldest = at.minus(WINDOW);
        while (!ring.isEmpty() && ring.peekFirst().at().isBefore(oldest)) {
            ring.removeFirst();
        }
        Deque<Marker> marks = markers.get(service);
        if (marks != null) {
            while (!marks.isEmpty() && marks.peekFirst().at().isBefore(oldest)) {
                marks.removeFirst();
            }
        }
    }

    synchronized void mark(String service, Instant at, String kind, String text) {
        Deque<Marker> marks = markers.computeIfAbsent(service, any -> new ArrayDeque<>());
        marks.addLast(new Marker(at, kind, text));
        while (marks.size() > MAX_MARKERS) {
            marks.removeFirst();
        }
    }

    /** Forgets every service not in {@code services}. */
    synchronized void retain(Set<String> services) {
        points.keySet().retainAll(services);
        markers.keySet().retainAll(services);
    }

    synchronized int size(String service) {
        Deque<Point> ring = points.get(service);
        return ring == null ? 0 : ring.size();
    }

    /**
     * The service's charts in the columns uPlot draws: {@code times} (epoch seconds), one array per series aligned with
     * it ({@code null} where a sample had no value), and the markers.
     */
    public synchronized Map<String, Object> view(String service) {
        List<Point> ring = new ArrayList<>(points.getOrDefault(service, new ArrayDeque<>()));
        TreeSet<String> names = new TreeSet<>();
        ring.forEach(point -> names.addAll(point.values().keySet()));
        List<Double> times = new ArrayList<>(ring.size());
        ring.forEach(point -> times.add(point.at().toEpochMilli() / 1000.0));
        Map<String, List<Double>> series = new LinkedHashMap<>();
        for (String name : names) {
            List<Double> column = new ArrayList<>(ring.size());
            ring.forEach(point -> column.add(point.values().get(name)));
            series.put(name, column);
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("service", service);
        view.put("window_seconds", WINDOW.toSeconds());
        view.put("times", times);
        view.put("series", series);
        view.put(
                "markers",
                markers.getOrDefault(service, new ArrayDeque<>()).stream()
                        .map(marker -> Map.<String, Object>of(
                                "time",
                                marker.at().toEpochMilli() / 1000.0,
                                "kind",
                                marker.kind(),
                                "text",
                                marker.text()))
                        .toList());
        return view;
    }
}
