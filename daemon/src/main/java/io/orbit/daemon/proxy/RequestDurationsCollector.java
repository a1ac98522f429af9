package io.orbit.daemon.proxy;

import static java.util.Objects.requireNonNull;

import io.orbit.proxy.RequestDurations;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricFamilyDescriptor;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Publishes the proxy's {@link RequestDurations} as {@code orbit_service_request_duration_seconds{service,node_port}}
 * (a histogram: {@code _bucket{le}}, {@code _count}, {@code _sum}) and its {@code _max} gauge, the names and buckets
 * the Micrometer timer had, read from the proxy at each scrape.
 */
final class RequestDurationsCollector implements MultiCollector {

    static final String NAME = "orbit_service_request_duration_seconds";
    static final String MAX_NAME = NAME + "_max";
    private static final String HELP = "Request received to response complete";
    private static final double NANOS_PER_SECOND = 1e9;

    private final Supplier<List<RequestDurations.Snapshot>> durations;
    private final double[] upperBoundsSeconds;

    RequestDurationsCollector(Supplier<List<RequestDurations.Snapshot>> durations) {
        this.durations = requireNonNull(durations, "durations is null");
        List<Long> bounds = RequestDurations.upperBoundsNanos();
        this.upperBoundsSeconds = new double[bounds.size() + 1];
        for (int i = 0; i < bounds.size(); i++) {
            upperBoundsSeconds[i] = bounds.get(i) / NANOS_PER_SECOND;
        }
        upperBoundsSeconds[bounds.size()] = Double.POSITIVE_INFINITY;
    }

    @Override
    public MetricSnapshots collect() {
        List<RequestDurations.Snapshot> snapshots = durations.get();
        if (snapshots.isEmpty()) {
            return MetricSnapshots.of();
        }
        HistogramSnapshot.Builder histogram =
                HistogramSnapshot.builder().name(NAME).help(HELP);
        GaugeSnapshot.Builder max = GaugeSnapshot.builder().name(MAX_NAME).help(HELP);
        for (RequestDurations.Snapshot snapshot : snapshots) {
            Labels labels =
                    Labels.of("node_port", Integer.toString(snapshot.nodePort()), "service", snapshot.service());
            long[] counts =
                    snapshot.counts().stream().mapToLong(Long::longValue).toArray();
            histogram.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBoundsSeconds, counts))
                    .sum(snapshot.sumNanos() / NANOS_PER_SECOND)
                    .labels(labels)
                    .build());
            max.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .value(snapshot.maxNanos() / NANOS_PER_SECOND)
                    .labels(labels)
                    .build());
        }
        return MetricSnapshots.of(histogram.build(), max.build());
    }

    /** What the registry checks against every other collector's names (a clash fails the registration). */
    @Override
    public List<MetricFamilyDescriptor> getMetricFamilyDescriptors() {
        Set<String> labels = Set.of("service", "node_port");
        return List.of(
                MetricFamilyDescriptor.of(MetricType.HISTOGRAM, new MetricMetadata(NAME, HELP), labels),
                MetricFamilyDescriptor.of(MetricType.GAUGE, new MetricMetadata(MAX_NAME, HELP), labels));
    }
}
