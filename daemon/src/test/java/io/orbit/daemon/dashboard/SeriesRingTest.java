package io.orbit.daemon.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ring's bounds: the window, the capacity, the markers, the forgotten services; and the columns it renders. */
class SeriesRingTest {

    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void keepsFifteenMinutesAtFiveSecondsAndNothingOlder() {
        SeriesRing ring = new SeriesRing(SeriesRing.capacityFor(Duration.ofSeconds(5)));
        assertThat(SeriesRing.capacityFor(Duration.ofSeconds(5))).isEqualTo(181);
        for (int i = 0; i < 1000; i++) {
            ring.add("web", START.plusSeconds(5L * i), Map.of("requests_per_second", (double) i));
        }
        Map<String, Object> view = ring.view("web");
        List<?> times = (List<?>) view.get("times");
        assertThat(times).hasSize(181);
        double newest = START.plusSeconds(5L * 999).getEpochSecond();
        assertThat((Double) times.getFirst()).isEqualTo(newest - 900);
        assertThat((Double) times.getLast()).isEqualTo(newest);
    }

    @Test
    void aGapInSamplingDropsWhatIsOlderThanTheWindowEvenBelowCapacity() {
        SeriesRing ring = new SeriesRing(100);
        ring.add("web", START, Map.of("a", 1.0));
        ring.mark("web", START, "autoscale", "old decision");
        ring.add("web", START.plus(Duration.ofMinutes(16)), Map.of("a", 2.0));
        assertThat(ring.size("web")).isEqualTo(1);
        assertThat((List<?>) ring.view("web").get("markers")).isEmpty();
    }

    @Test
    void seriesAreColumnsAlignedWithTheTimesWithNullsWhereASampleHadNoValue() {
        SeriesRing ring = new SeriesRing(10);
        ring.add("web", START, Map.of("cpu_pod_0", 5.0));
        ring.add("web", START.plusSeconds(5), Map.of("cpu_pod_0", 6.0, "cpu_pod_1", 1.0));
        @SuppressWarnings("unchecked")
        Map<String, List<Double>> series =
                (Map<String, List<Double>>) ring.view("web").get("series");
        assertThat(series.keySet()).containsExactly("cpu_pod_0", "cpu_pod_1");
        assertThat(series.get("cpu_pod_0")).containsExactly(5.0, 6.0);
        assertThat(series.get("cpu_pod_1")).isEqualTo(Arrays.asList(null, 1.0));
    }

    @Test
    void markersAreBoundedAndForgottenServicesHaveNothing() {
        SeriesRing ring = new SeriesRing(10);
        for (int i = 0; i < 100; i++) {
            ring.mark("web", START.plusSeconds(i), "scaled", "decision " + i);
        }
        List<?> markers = (List<?>) ring.view("web").get("markers");
        assertThat(markers).hasSize(SeriesRing.MAX_MARKERS);
        assertThat(markers.getLast().toString()).contains("decision 99");
        ring.add("web", START, Map.of("a", 1.0));
        ring.retain(Set.of("other"));
        assertThat(ring.size("web")).isZero();
        assertThat((List<?>) ring.view("web").get("markers")).isEmpty();
    }

    @Test
    void aRingOfFewerThanTwoPointsIsRefused() {
        assertThatThrownBy(() -> new SeriesRing(1)).hasMessageContaining("at least 2");
    }
}
