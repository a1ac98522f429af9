package io.orbit.engine.netlimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.spec.ContainerTemplate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkLimitTest {

    @Test
    void resolvesRatesToBitsAndBurstsToBytesWithDefaults() {
        NetworkLimit limit = NetworkLimit.of(new ContainerTemplate.NetworkLimit("10Mbps", "8Mbps", null, "1Mbps"))
                .orElseThrow();

        assertThat(limit.ingressBitsPerSecond()).isEqualTo(10_000_000);
        assertThat(limit.ingressBurstBytes()).as("default: 32 KiB").isEqualTo(32_768);
        assertThat(limit.egressBitsPerSecond()).isEqualTo(8_000_000);
        assertThat(limit.egressBurstBytes())
                .as("Orbit writes bursts in rate units: 1 Mbit")
                .isEqualTo(125_000);
    }

    @Test
    void burstsNeverFallBelowWhatTbfNeedsAtTheRate() {
        // 8 Gbit/s sends 10 MB in one tick at HZ 100
        NetworkLimit fast = new NetworkLimit(0, 0, 8_000_000_000L, 1024);
        assertThat(fast.egressBurstBytes()).isEqualTo(10_000_000);
        assertThat(NetworkLimit.defaultBurst(8_000_000_000L)).isEqualTo(10_000_000);
        // a slow rate still gets a full packet
        assertThat(new NetworkLimit(8_000, 100, 0, 0).ingressBurstBytes()).isEqualTo(1600);
    }

    @Test
    void noRateMeansNoLimit() {
        assertThat(NetworkLimit.of(null)).isEmpty();
        assertThat(NetworkLimit.of(new ContainerTemplate.NetworkLimit(null, null, "1Mbps", null)))
                .isEmpty();
        assertThat(NetworkLimit.fromLabels(Map.of())).isEmpty();
    }

    @Test
    void labelsCarryTheLimitThroughTheContainer() {
        NetworkLimit limit = new NetworkLimit(0, 0, 5_000_000, 64_000);

        assertThat(limit.labels()).containsOnlyKeys(NetworkLimit.EGRESS_RATE_LABEL, NetworkLimit.EGRESS_BURST_LABEL);
        assertThat(NetworkLimit.fromLabels(limit.labels())).contains(limit);
        assertThat(NetworkLimit.fromLabels(Map.of(NetworkLimit.EGRESS_RATE_LABEL, "edited")))
                .isEmpty();
    }
}
