package io.orbit.daemon.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.proxy.RequestDurations;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.ContainerStats;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The chart values computed from the proxy's meters, the stats sampler, the status store and the journal. */
class SeriesSamplerTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T10:00:00Z"));
    private final InstantSource clock = () -> now.get();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StatusStore status = new StatusStore();
    private final EventJournal journal = new EventJournal(clock, 100);
    private final Map<String, ContainerStats> stats = new HashMap<>();
    private final SeriesRing ring = new SeriesRing(SeriesRing.capacityFor(Duration.ofSeconds(5)));
    private final List<RequestDurations> durations = new ArrayList<>();
    private final SeriesSampler sampler = new SeriesSampler(
            registry,
            () -> durations.stream().map(RequestDurations::snapshot).toList(),
            status,
            () -> Map.copyOf(stats),
            journal,
            clock,
            ring);

    /** The durations of a node port of {@code service}, as the proxy keeps them. */
    private RequestDurations duration(String service) {
        RequestDurations recorder = new RequestDurations(service, 8081);
        durations.add(recorder);
        return recorder;
    }

    private Counter requests(String service, int code) {
        return Counter.builder(SeriesSampler.REQUESTS)
                .tags("service", service, "node_port", "8081", "status", Integer.toString(code))
                .register(registry);
    }

    private static ContainerStatus container(String id) {
        return new ContainerStatus(
                id, "web__0__main__x", "main", "img", ContainerState.RUNNING, 0, Map.of(), List.of(), Optional.empty());
    }

    private void tickAfter(Duration elapsed) {
        now.set(now.get().plus(elapsed));
        sampler.tick();
    }

    @SuppressWarnings("unchecked")
    private Map<String, List<Double>> series(String service) {
        return (Map<String, List<Double>>) ring.view(service).get("series");
    }

    @Test
    void requestsErrorsAndLatencyQuantilesOfTheLastInterval() {
        status.put(new ServiceStatus("web", Optional.empty(), List.of(), Optional.empty(), 0, now.get()));
        RequestDurations web = duration("web");
        Counter ok = requests("web", 200);
        Counter failed = requests("web", 503);
        // before the first tick: 1000 slow requests that must not count in the next interval's quantiles
        for (int i = 0; i < 1000; i++) {
            web.record(Duration.ofMillis(900).toNanos());
        }
        ok.increment(1000);
        sampler.tick();
        for (int i = 0; i < 98; i++) {
            web.record(Duration.ofMillis(10).toNanos());
        }
        web.record(Duration.ofMillis(200).toNanos());
        web.record(Duration.ofMillis(200).toNanos());
        ok.increment(90);
        failed.increment(10);
        tickAfter(Duration.ofSeconds(5));

        Map<String, List<Double>> series = series("web");
        assertThat(series.get("requests_per_second")).containsExactly(null, 20.0);
        assertThat(series.get("errors_per_second")).containsExactly(null, 2.0);
        // bucket upper bounds: 10 ms falls in a bucket of at most ~11 ms, 200 ms in one of at most ~230 ms
        assertThat(series.get("latency_p50_ms").get(1)).isBetween(10.0, 12.0);
        assertThat(series.get("latency_p99_ms").get(1)).isBetween(200.0, 240.0);
    }

    @Test
    void noRequestsMeansZeroRatesAndNoLatency() {
        status.put(new ServiceStatus("web", Optional.empty(), List.of(), Optional.empty(), 0, now.get()));
        duration("web");
        requests("web", 200);
        sampler.tick();
        tickAfter(Duration.ofSeconds(5));
        Map<String, List<Double>> series = series("web");
        assertThat(series.get("requests_per_second")).containsExactly(null, 0.0);
        assertThat(series).doesNotContainKey("latency_p50_ms");
    }

    @Test
    void cpuAndMemoryPerPodAndPodCountsAndScalingMarkers() {
        PodStatus pod = new PodStatus("p0", 0, "h", true, List.of(container("c1"), container("c2")), Optional.empty());
        status.put(new ServiceStatus("web", Optional.empty(), List.of(pod), Optional.empty(), 0, now.get()));
        stats.put("c1", new ContainerStats("c1", 30.0, 10L * 1024 * 1024, 0, now.get()));
        stats.put("c2", new ContainerStats("c2", 12.5, 6L * 1024 * 1024, 0, now.get()));
        journal.record("autoscale", Optional.of("web"), Optional.empty(), "web: up 1 -> 2 (concurrency)");
        journal.record("pod-started", Optional.of("web"), Optional.of("p1"), "started");
        sampler.tick();

        Map<String, List<Double>> series = series("web");
        assertThat(series.get("cpu_pod_0").getFirst()).isCloseTo(42.5, within(1e-9));
        assertThat(series.get("memory_mib_pod_0").getFirst()).isCloseTo(16.0, within(1e-9));
        assertThat(series.get("ready_pods")).containsExactly(1.0); // a pod without probes is Ready
        assertThat(series.get("desired_pods")).containsExactly(0.0);
        assertThat((List<?>) ring.view("web").get("markers"))
                .singleElement()
                .satisfies(marker -> assertThat(marker.toString()).contains("up 1 -> 2"));
    }

    @Test
    void aServiceThatGoesIsForgotten() {
        status.put(new ServiceStatus("web", Optional.empty(), List.of(), Optional.empty(), 0, now.get()));
        sampler.tick();
        assertThat(ring.size("web")).isEqualTo(1);
        status.remove("web");
        tickAfter(Duration.ofSeconds(5));
        assertThat(ring.size("web")).isZero();
    }
}
