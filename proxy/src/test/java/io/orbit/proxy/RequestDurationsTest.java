package io.orbit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The proxy's per-node-port histogram: buckets as the timer had them, exact counts, a windowed maximum. */
class RequestDurationsTest {

    private final AtomicLong now = new AtomicLong(-5_000_000_000L); // nanoTime's origin is arbitrary, even negative
    private final RequestDurations durations = new RequestDurations("web", 8080, now::get);

    private static long millis(double ms) {
        return Math.round(ms * 1_000_000);
    }

    private void advance(Duration elapsed) {
        now.addAndGet(elapsed.toNanos());
    }

    @Test
    void theBucketsAreTheTimersFromOneMillisecondToSixtySeconds() {
        List<Long> bounds = RequestDurations.upperBoundsNanos();

        assertThat(bounds).hasSize(73).isSorted().doesNotHaveDuplicates();
        assertThat(bounds.get(0)).isEqualTo(millis(1));
        assertThat(bounds.get(1)).isEqualTo(1_048_576L);
        assertThat(bounds.get(bounds.size() - 1))
                .isEqualTo(Duration.ofSeconds(60).toNanos());
    }

    @Test
    void aDurationCountsInTheFirstBucketWhoseBoundIsAtLeastIt() {
        List<Long> bounds = RequestDurations.upperBoundsNanos();

        assertThat(RequestDurations.bucket(0)).isZero();
        assertThat(RequestDurations.bucket(bounds.get(0)))
                .as("on the bound: le")
                .isZero();
        assertThat(RequestDurations.bucket(bounds.get(0) + 1)).isOne();
        assertThat(RequestDurations.bucket(bounds.get(5) - 1)).isEqualTo(5);
        assertThat(RequestDurations.bucket(bounds.get(bounds.size() - 1))).isEqualTo(bounds.size() - 1);
        assertThat(RequestDurations.bucket(Long.MAX_VALUE))
                .as("beyond the last bound")
                .isEqualTo(bounds.size());
        for (int i = 0; i < bounds.size(); i++) { // every bound, and a nanosecond either side of it
            long bound = bounds.get(i);
            assertThat(RequestDurations.bucket(bound - 1)).isEqualTo(i);
            assertThat(RequestDurations.bucket(bound)).isEqualTo(i);
            assertThat(RequestDurations.bucket(bound + 1)).isEqualTo(i + 1);
        }
    }

    @Test
    void theLargerOfTwoIsArithmetic() {
        assertThat(RequestDurations.larger(3, 5)).isEqualTo(5);
        assertThat(RequestDurations.larger(5, 3)).isEqualTo(5);
        assertThat(RequestDurations.larger(0, 0)).isZero();
        assertThat(RequestDurations.larger(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(RequestDurations.larger(1L << 40, (1L << 40) - 1)).isEqualTo(1L << 40);
    }

    @Test
    void countsSumAndMaximumAreExact() {
        durations.record(millis(0.5));
        durations.record(millis(0.5));
        durations.record(millis(7));
        durations.record(Duration.ofMinutes(2).toNanos());
        durations.record(-3); // a clock that went back: zero

        RequestDurations.Snapshot snapshot = durations.snapshot();

        assertThat(snapshot.service()).isEqualTo("web");
        assertThat(snapshot.nodePort()).isEqualTo(8080);
        assertThat(snapshot.count()).isEqualTo(5);
        assertThat(snapshot.counts().get(0)).isEqualTo(3);
        assertThat(snapshot.counts().get(RequestDurations.bucket(millis(7)))).isOne();
        assertThat(snapshot.counts().get(snapshot.counts().size() - 1))
                .as("beyond 60 s")
                .isOne();
        assertThat(snapshot.sumNanos())
                .isEqualTo(millis(8) + Duration.ofMinutes(2).toNanos());
        assertThat(snapshot.maxNanos()).isEqualTo(Duration.ofMinutes(2).toNanos());
    }

    @Test
    void theMaximumIsTheLongestOfTheLastTwoToThreeWindows() {
        assertThat(durations.snapshot().maxNanos()).as("nothing recorded").isZero();

        durations.record(millis(900));
        advance(Duration.ofSeconds(45)); // the next window
        durations.record(millis(30));
        assertThat(durations.snapshot().maxNanos()).isEqualTo(millis(900));

        advance(Duration.ofSeconds(40)); // the window after: 900 ms is two windows old, still counts
        assertThat(durations.snapshot().maxNanos()).isEqualTo(millis(900));

        advance(Duration.ofSeconds(40)); // now three windows old: gone; 30 ms is two old
        assertThat(durations.snapshot().maxNanos()).isEqualTo(millis(30));

        durations.record(millis(2)); // reuses the slot of the 900 ms window: the newer window wins it
        assertThat(durations.snapshot().maxNanos()).isEqualTo(millis(30));
        advance(Duration.ofSeconds(80));
        assertThat(durations.snapshot().maxNanos()).isEqualTo(millis(2));
        advance(Duration.ofSeconds(40));
        assertThat(durations.snapshot().maxNanos()).isZero();
    }

    @Test
    void withinAWindowTheLongestWinsWhateverTheOrder() {
        durations.record(millis(3));
        durations.record(millis(12));
        durations.record(millis(5));

        assertThat(durations.snapshot().maxNanos()).isEqualTo(millis(12));
    }

    @Test
    void recordingFromManyThreadsLosesNothing() throws InterruptedException {
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            long each = millis(t + 1);
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    durations.record(each);
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }

        RequestDurations.Snapshot snapshot = durations.snapshot();
        assertThat(snapshot.count()).isEqualTo(40_000);
        assertThat(snapshot.sumNanos()).isEqualTo(10_000 * (millis(1) + millis(2) + millis(3) + millis(4)));
        assertThat(snapshot.maxNanos()).isEqualTo(millis(4));
    }

    @Test
    void aSnapshotHasOneCountPerBucketAndOneBeyond() {
        assertThatThrownBy(() -> new RequestDurations.Snapshot("web", 8080, List.of(1L), 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one entry per bucket");
    }
}
