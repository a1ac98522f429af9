package io.orbit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LatencyShedderTest {

    private static final long MS = 1_000_000;

    private final AtomicLong clock = new AtomicLong(0);
    private final LatencyShedder shedder = new LatencyShedder(100 * MS, 1_000 * MS, clock::get);

    private void samples(int count, long latencyMillis) {
        for (int i = 0; i < count; i++) {
            shedder.record(latencyMillis * MS);
        }
    }

    @Test
    void shedsTheIntervalAfterOneWhoseMinimumLatencyStayedAboveTarget() {
        samples(20, 150);
        assertThat(shedder.shouldShed()).isFalse();
        clock.addAndGet(1_000 * MS);
        assertThat(shedder.shouldShed()).isTrue();
    }

    @Test
    void oneFastRequestInTheIntervalMeansNoShedding() {
        samples(20, 150);
        samples(1, 20);
        clock.addAndGet(1_000 * MS);
        assertThat(shedder.shouldShed()).isFalse();
    }

    @Test
    void tooFewSamplesNeverShed() {
        samples(LatencyShedder.MIN_SAMPLES - 1, 500);
        clock.addAndGet(1_000 * MS);
        assertThat(shedder.shouldShed()).isFalse();
    }

    @Test
    void stopsSheddingOnceAnIntervalIsFastOrQuiet() {
        samples(20, 150);
        clock.addAndGet(1_000 * MS);
        assertThat(shedder.shouldShed()).isTrue();
        samples(20, 150);
        clock.addAndGet(1_000 * MS);
        assertThat(shedder.shouldShed()).isTrue();
        // nothing came back during this interval (everything was shed): the next one admits again
        clock.addAndGet(1_000 * MS);
        assertThat(shedder.shouldShed()).isFalse();
    }

    @Test
    void anOldSlowIntervalIsNotHeldAgainstTheService() {
        samples(20, 150);
        clock.addAndGet(5_000 * MS);
        assertThat(shedder.shouldShed()).isFalse();
    }

    @Test
    void publishesTheLastFinishedIntervalForTheAutoscaler() {
        samples(12, 150);
        samples(1, 120);
        assertThat(shedder.lastWindow().requests())
                .as("the interval is not over yet")
                .isZero();

        clock.addAndGet(1_000 * MS);

        assertThat(shedder.lastWindow()).isEqualTo(new LatencyShedder.Window(120 * MS, 13, true));
        clock.addAndGet(5_000 * MS);
        assertThat(shedder.lastWindow().recent()).as("no traffic since: stale").isFalse();
    }

    @Test
    void aMeasuringShedderNeverSheds() {
        LatencyShedder measuring = new LatencyShedder(100 * MS, 1_000 * MS, clock::get, false);
        for (int i = 0; i < 20; i++) {
            measuring.record(150 * MS);
        }
        clock.addAndGet(1_000 * MS);

        assertThat(measuring.shouldShed()).isFalse();
        assertThat(measuring.lastWindow()).isEqualTo(new LatencyShedder.Window(150 * MS, 20, true));
    }
}
