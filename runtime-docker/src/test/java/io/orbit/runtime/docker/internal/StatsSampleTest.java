package io.orbit.runtime.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.docker.internal.StatsSample.CpuCounters;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** CPU and memory from recorded stats of a busy loop limited to half a CPU (NanoCpus 5e8, 128 MiB) on 2 CPUs. */
class StatsSampleTest {

    private static final Target TARGET = new Target("read stats of container", ResourceKind.CONTAINER, "web");

    private static StatsSample sample(String name) {
        return StatsSample.parse(TARGET, Recorded.ok(name)).orElseThrow();
    }

    @Test
    void cpuOfTwoConsecutiveOneShotSamplesIsTheShareOfOneCpu() {
        StatsSample first = sample("stats-one-shot-1.json");
        StatsSample second = sample("stats-one-shot-2.json");

        // (1066802358 − 566046089) / (880710000000 − 878660000000) × 2 CPUs × 100
        assertThat(second.cpuPercentSince(first.cpu())).isCloseTo(48.854, within(0.001));
    }

    @Test
    void aOneShotSampleAloneHasNoBaselineBecauseDockerZeroesPrecpu() {
        StatsSample oneShot = sample("stats-one-shot-1.json");

        assertThat(oneShot.precpu()).isEqualTo(new CpuCounters(0, 0));
        assertThat(oneShot.cpuPercentSince(oneShot.precpu())).isZero();
    }

    @Test
    void aStreamFalseSampleCarriesItsOwnBaseline() {
        StatsSample first = sample("stats-sequence-1-stream-false.json");

        // (1561769701 − 1063945444) / (1616280000000 − 1614240000000) × 2 × 100
        assertThat(first.cpuPercentSince(first.precpu())).isCloseTo(48.806, within(0.001));
    }

    @Test
    void aOneShotAfterAStreamFalseSampleUsesTheCachedCounters() {
        StatsSample first = sample("stats-sequence-1-stream-false.json");
        StatsSample next = sample("stats-sequence-2-one-shot.json");

        // (2092640185 − 1561769701) / (1618380000000 − 1616280000000) × 2 × 100
        assertThat(next.cpuPercentSince(first.cpu())).isCloseTo(50.559, within(0.001));
    }

    @Test
    void countersThatWentBackwardsGiveZeroNotANegativeFigure() {
        StatsSample later = sample("stats-one-shot-2.json");
        StatsSample earlier = sample("stats-one-shot-1.json");

        // as after a restart between two samples: the container's counter starts again from zero
        assertThat(earlier.cpuPercentSince(later.cpu())).isZero();
    }

    @Test
    void memoryLeavesOutTheInactivePageCacheOnCgroupV1() {
        StatsSample stats = sample("stats-one-shot-1.json");

        assertThat(stats.memoryUsageBytes()).isEqualTo(2650112L - 1929216L);
        assertThat(stats.memoryLimitBytes()).isEqualTo(128L * 1024 * 1024);
        assertThat(stats.onlineCpus()).isEqualTo(2);
        assertThat(stats.read()).isEqualTo(Instant.parse("2026-11-26T01:03:45.80562643Z"));
    }

    @Test
    void aContainerThatIsNotRunningHasNoSample() {
        // Docker answers 200 with every counter zero and "read" at Go's zero time
        assertThat(StatsSample.parse(TARGET, Recorded.ok("stats-not-running.json")))
                .isEmpty();
    }
}
