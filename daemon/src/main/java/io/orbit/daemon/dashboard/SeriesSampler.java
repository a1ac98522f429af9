package io.orbit.daemon.dashboard;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.journal.JournalEntry;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.proxy.RequestDurations;
import io.orbit.runtime.ContainerStats;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Feeds {@link SeriesRing} from what the daemon already measures, one sample per service per {@link #tick}:
 *
 * <ul>
 *   <li>the proxy's meters ({@code orbit.service.requests{service,status}}) and request durations ({@link
 *       RequestDurations}, per node port): requests/s and 5xx/s since the previous tick, and p50/p99 latency of the
 *       requests completed since then (the upper bound of the histogram bucket that holds the quantile);
 *   <li>the engine's stats sampler: CPU (% of one CPU) and memory (MiB) per pod, for the services it samples (the
 *       autoscaled ones; others have no such series);
 *   <li>the status store: ready and desired pods;
 *   <li>the journal: every {@code autoscale} and {@code scaled} entry becomes a marker with its explanation.
 * </ul>
 *
 * A counter that went backwards (its node port was removed and added again) gives no rate for that tick. Not
 * thread-safe: one thread ticks ({@link Dashboard}'s sampler, or a test).
 */
final class SeriesSampler {

    static final String REQUESTS = "orbit.service.requests";
    private static final Set<String> MARKED_KINDS = Set.of("autoscale", "scaled");
    private static final double MIB = 1024.0 * 1024.0;

    private final MeterRegistry registry;
    private final Supplier<List<RequestDurations.Snapshot>> durations;
    private final StatusStore status;
    private final Supplier<Map<String, ContainerStats>> stats;
    private final EventJournal journal;
    private final InstantSource clock;
    private final SeriesRing ring;
    private final Map<String, Traffic> previous = new HashMap<>();
    private long journalSequence;

    /** The proxy's cumulative figures of one service at one tick. */
    private record Traffic(Instant at, double requests, double errors, long timed, TreeMap<Double, Double> buckets) {}

    SeriesSampler(
            MeterRegistry registry,
            Supplier<List<RequestDurations.Snapshot>> durations,
            StatusStore status,
            Supplier<Map<String, ContainerStats>> stats,
            EventJournal journal,
            InstantSource clock,
            SeriesRing ring) {
        this.registry = requireNonNull(registry, "registry is null");
        this.durations = requireNonNull(durations, "durations is null");
        this.status = requireNonNull(status, "status is null");
        this.stats = requireNonNull(stats, "stats is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.ring = requireNonNull(ring, "ring is null");
        // Markers start with what happens from now on: the journal's past has no points to sit on.
        this.journalSequence = journal.after(0).stream()
                .mapToLong(JournalEntry::sequence)
                .max()
                .orElse(0);
    }

    void tick() {
        Instant now = clock.instant();
        Map<String, ServiceStatus> services = status.services();
        ring.retain(services.keySet());
        previous.keySet().retainAll(services.keySet());
        Map<String, ContainerStats> samples = stats.get();
        for (ServiceStatus service : services.values()) {
            Map<String, Double> values = new LinkedHashMap<>();
            traffic(service.name(), now, values);
            resources(service, samples, values);
            values.put("ready_pods", (double) service.pods().stream()
                    .filter(pod -> pod.health().phase().equals("Ready"))
                    .count());
            values.put("desired_pods", (double)
                    service.desired().map(desired -> desired.replicas()).orElse(0));
            ring.add(service.name(), now, values);
        }
        for (JournalEntry entry : journal.after(journalSequence)) {
            journalSequence = Math.max(journalSequence, entry.sequence());
            if (MARKED_KINDS.contains(entry.kind()) && entry.service().isPresent()) {
                ring.mark(entry.service().get(), entry.time(), entry.kind(), entry.message());
            }
        }
    }

    private void traffic(String service, Instant now, Map<String, Double> values) {
        double requests = 0;
        double errors = 0;
        for (Counter counter : registry.find(REQUESTS).tag("service", service).counters()) {
            requests += counter.count();
            String code = counter.getId().getTag("status");
            if (code != null && code.startsWith("5")) {
                errors += counter.count();
            }
        }
        long timed = 0;
        TreeMap<Double, Double> buckets = new TreeMap<>();
        List<Long> bounds = RequestDurations.upperBoundsNanos();
        for (RequestDurations.Snapshot snapshot : durations.get()) {
            if (!snapshot.service().equals(service)) {
                continue;
            }
            timed += snapshot.count();
            long cumulative = 0;
            for (int i = 0; i < bounds.size(); i++) { // the bounded buckets, cumulative as Prometheus' le
                cumulative += snapshot.counts().get(i);
                buckets.merge(bounds.get(i) / 1e6, (double) cumulative, Double::sum);
            }
        }
        Traffic current = new Traffic(now, requests, errors, timed, buckets);
        Traffic before = previous.put(service, current);
        if (before == null) {
            return;
        }
        double seconds = (now.toEpochMilli() - before.at().toEpochMilli()) / 1000.0;
        if (seconds <= 0 || requests < before.requests() || timed < before.timed()) {
            return;
        }
        values.put("requests_per_second", (requests - before.requests()) / seconds);
        values.put("errors_per_second", Math.max(0, errors - before.errors()) / seconds);
        long completed = timed - before.timed();
        if (completed > 0) {
            Double p50 = quantile(before.buckets(), buckets, completed, 0.50);
            Double p99 = quantile(before.buckets(), buckets, completed, 0.99);
            if (p50 != null) {
                values.put("latency_p50_ms", p50);
            }
            if (p99 != null) {
                values.put("latency_p99_ms", p99);
            }
        }
    }

    /**
     * The upper bound (ms) of the first bucket whose count of requests completed between the two snapshots reaches
     * the quantile; null when the histogram says nothing about them (every one beyond its last bucket).
     *
     * @param before cumulative counts per bucket bound at the previous tick
     * @param now the same now
     */
    static @Nullable Double quantile(
            Map<Double, Double> before, TreeMap<Double, Double> now, long completed, double quantile) {
        double wanted = quantile * completed;
        for (Map.Entry<Double, Double> bucket : now.entrySet()) {
            double inWindow = bucket.getValue() - before.getOrDefault(bucket.getKey(), 0.0);
            if (inWindow >= wanted && inWindow > 0) {
                return bucket.getKey();
            }
        }
        return null;
    }

    private static void resources(
            ServiceStatus service, Map<String, ContainerStats> samples, Map<String, Double> values) {
        for (PodStatus pod : service.pods()) {
            double cpu = 0;
            double memory = 0;
            boolean sampled = false;
            for (ContainerStatus container : pod.containers()) {
                ContainerStats sample = samples.get(container.id());
                if (sample != null) {
                    sampled = true;
                    cpu += sample.cpuPercent();
                    memory += sample.memoryUsageBytes() / MIB;
                }
            }
            if (sampled) {
                values.put("cpu_pod_" + pod.podNumber(), cpu);
                values.put("memory_mib_pod_" + pod.podNumber(), memory);
            }
        }
    }
}
