package io.orbit.runtime.podman.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.runtime.ContainerStats;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsDeltasTest {

    private static final String RUNNING = "6bb0fded83d920f500a082f846af45f281a9fb46edad7b036e0449d13fcf0ae2";
    private static final long RECORDED_CPU_NANOS = 68_619_415L;
    private static final long RECORDED_SYSTEM_NANOS = 1_795_655_200_177_046_969L;
    private static final double RECORDED_AVERAGE_SINCE_START = 0.052477104788630706;

    private final StatsDeltas deltas = new StatsDeltas();

    @Test
    void theFirstSampleIsLibpodsAverageSinceStartAndStoppedContainersAreLeftOut() {
        List<ContainerStats> samples = deltas.read(RecordedResponses.load("stats.json"));

        assertThat(samples)
                .as("the recorded answer also holds an exited container, as all zeros")
                .containsExactly(new ContainerStats(
                        RUNNING,
                        RECORDED_AVERAGE_SINCE_START,
                        393_216L,
                        64L * 1024 * 1024,
                        Instant.ofEpochSecond(0, RECORDED_SYSTEM_NANOS)));
    }

    @Test
    void laterSamplesMeasureCpuSinceThePreviousOne() {
        deltas.read(RecordedResponses.load("stats.json"));

        // half a CPU-second used in one wall-clock second
        List<ContainerStats> second = deltas.read(later(1_000_000_000L, 500_000_000L, 0.3));

        assertThat(second)
                .singleElement()
                .satisfies(sample -> assertThat(sample.cpuPercent()).isCloseTo(50.0, within(1e-9)));
    }

    @Test
    void aSampleTooCloseToThePreviousRepeatsItsFigure() {
        deltas.read(RecordedResponses.load("stats.json"));
        deltas.read(later(1_000_000_000L, 250_000_000L, 0.3));

        List<ContainerStats> close = deltas.read(later(1_010_000_000L, 900_000_000L, 0.3));

        assertThat(close.getFirst().cpuPercent()).isCloseTo(25.0, within(1e-9));
    }

    @Test
    void aRestartedContainerStartsOverFromLibpodsAverage() {
        deltas.read(RecordedResponses.load("stats.json"));

        List<ContainerStats> restarted = deltas.read(later(5_000_000_000L, -RECORDED_CPU_NANOS + 1_000, 0.7));

        assertThat(restarted.getFirst().cpuPercent()).isEqualTo(0.7);
    }

    @Test
    void anUnknownContainerFailsLibpodsWholeAnswer() {
        assertThat(StatsDeltas.isComplete(RecordedResponses.load("stats.json"))).isTrue();
        assertThat(StatsDeltas.isComplete(RecordedResponses.load("stats-with-missing-container.json")))
                .isFalse();
    }

    /** The recorded answer, moved on in time and CPU use. */
    private static JsonNode later(long elapsedNanos, long cpuNanosUsed, double averageSinceStart) {
        ObjectNode response = RecordedResponses.loadEditable("stats.json");
        ObjectNode running = (ObjectNode) response.path("Stats").get(0);
        running.put("SystemNano", RECORDED_SYSTEM_NANOS + elapsedNanos)
                .put("CPUNano", RECORDED_CPU_NANOS + cpuNanosUsed)
                .put("CPU", averageSinceStart);
        return response;
    }
}
