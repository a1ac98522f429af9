package io.orbit.daemon.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orbit.proxy.RequestDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code /metrics} keeps the series the proxy's Micrometer timer had: same names, labels, buckets and values. */
class RequestDurationsCollectorTest {

    private static final long[] SAMPLES_NANOS = {
        300_000, 1_000_000, 1_000_001, 2_500_000, 2_500_000, 48_000_000, 700_000_000, 61_000_000_000L
    };

    private final List<RequestDurations> ports = new ArrayList<>();

    private static List<String> durationLines(PrometheusMeterRegistry registry) {
        return registry.scrape()
                .lines()
                .filter(line -> line.contains(RequestDurationsCollector.NAME))
                .sorted()
                .toList();
    }

    @Test
    void theExpositionIsTheOneTheTimerGave() {
        PrometheusMeterRegistry before = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Timer timer = Timer.builder("orbit.service.request.duration") // as RouteMetrics registered it until session 19
                .description("Request received to response complete")
                .tags("service", "web", "node_port", "30080")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(before);
        PrometheusMeterRegistry now = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        now.getPrometheusRegistry()
                .register(new RequestDurationsCollector(
                        () -> ports.stream().map(RequestDurations::snapshot).toList()));
        RequestDurations durations = new RequestDurations("web", 30080);
        ports.add(durations);

        for (long sample : SAMPLES_NANOS) {
            timer.record(sample, TimeUnit.NANOSECONDS);
            durations.record(sample);
        }

        List<String> expected = durationLines(before);
        assertThat(expected).as("the timer's own lines").hasSizeGreaterThan(70);
        assertThat(durationLines(now)).containsExactlyElementsOf(expected);
    }

    @Test
    void everyNodePortIsASeriesOfItsOwnAndNoPortsMeansNoLines() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.getPrometheusRegistry()
                .register(new RequestDurationsCollector(
                        () -> ports.stream().map(RequestDurations::snapshot).toList()));
        assertThat(durationLines(registry)).isEmpty();

        RequestDurations web = new RequestDurations("web", 30080);
        RequestDurations api = new RequestDurations("api", 30081);
        ports.add(web);
        ports.add(api);
        web.record(2_000_000);
        api.record(3_000_000);
        api.record(4_000_000);

        assertThat(durationLines(registry))
                .contains(
                        "orbit_service_request_duration_seconds_count{node_port=\"30080\",service=\"web\"} 1",
                        "orbit_service_request_duration_seconds_count{node_port=\"30081\",service=\"api\"} 2",
                        "orbit_service_request_duration_seconds_max{node_port=\"30081\",service=\"api\"} 0.004",
                        "orbit_service_request_duration_seconds_bucket{node_port=\"30081\",service=\"api\",le=\"+Inf\"} 2");
    }
}
