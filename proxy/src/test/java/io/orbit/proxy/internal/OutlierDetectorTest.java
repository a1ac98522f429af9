package io.orbit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final OutlierDetector detector = new OutlierDetector(5, 30 * SECOND, 300 * SECOND, 50, clock::get);

    private static List<OutlierDetector.Record> records(int count) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> new OutlierDetector.Record())
                .toList();
    }

    private boolean errors(OutlierDetector.Record record, List<OutlierDetector.Record> all, int count) {
        boolean ejected = false;
        for (int i = 0; i < count; i++) {
            ejected |= detector.onError(record, all);
        }
        return ejected;
    }

    @Test
    void ejectsAfterFiveConsecutiveErrors() {
        List<OutlierDetector.Record> all = records(4);
        OutlierDetector.Record record = all.get(0);
        assertThat(errors(record, all, 4)).isFalse();
        assertThat(detector.onError(record, all)).isTrue();
        assertThat(record.isEjected(clock.get())).isTrue();
    }

    @Test
    void aSuccessResetsTheConsecutiveCount() {
        List<OutlierDetector.Record> all = records(4);
        OutlierDetector.Record record = all.get(0);
        errors(record, all, 4);
        detector.onSuccess(record);
        assertThat(errors(record, all, 4)).isFalse();
    }

    @Test
    void ejectionLastsThirtySecondsTimesItsCountCappedAtFiveMinutes() {
        List<OutlierDetector.Record> all = records(2);
        OutlierDetector.Record record = all.get(0);
        long[] expectedSeconds = {30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 300, 300};
        for (long seconds : expectedSeconds) {
            assertThat(errors(record, all, 5)).isTrue();
            clock.addAndGet(seconds * SECOND - 1);
            assertThat(record.isEjected(clock.get())).isTrue();
            clock.addAndGet(1);
            assertThat(record.isEjected(clock.get())).isFalse();
        }
    }

    @Test
    void neverEjectsMoreThanHalfOfTheBackends() {
        List<OutlierDetector.Record> all = records(4);
        assertThat(errors(all.get(0), all, 5)).isTrue();
        assertThat(errors(all.get(1), all, 5)).isTrue();
        assertThat(errors(all.get(2), all, 5)).isFalse();
        assertThat(all.get(2).isEjected(clock.get())).isFalse();
    }

    @Test
    void aSingleBackendIsNeverEjected() {
        List<OutlierDetector.Record> all = records(1);
        assertThat(errors(all.get(0), all, 20)).isFalse();
    }

    @Test
    void theEjectionCountResetsAfterAQuietPeriod() {
        List<OutlierDetector.Record> all = records(2);
        OutlierDetector.Record record = all.get(0);
        errors(record, all, 5);
        errors(record, all, 0);
        clock.addAndGet(30 * SECOND);
        errors(record, all, 5);
        assertThat(record.ejections()).isEqualTo(2);
        clock.addAndGet(60 * SECOND + 300 * SECOND);
        detector.onSuccess(record);
        assertThat(record.ejections()).isZero();
        errors(record, all, 5);
        clock.addAndGet(30 * SECOND);
        assertThat(record.isEjected(clock.get())).isFalse();
    }
}
