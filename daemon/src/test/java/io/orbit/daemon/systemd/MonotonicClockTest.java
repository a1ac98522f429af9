package io.orbit.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MonotonicClockTest {

    @Test
    void uptimeIsRoundedUpToTheEndOfItsTenMillisecondStep() {
        assertThat(MonotonicClock.parseUptime("12345.67 890.12\n")).hasValue(12_345_680_000L);
        assertThat(MonotonicClock.parseUptime("0.00 0.00")).hasValue(10_000L);
    }

    @Test
    void somethingElseIsNotAnUptime() {
        assertThat(MonotonicClock.parseUptime("")).isEmpty();
        assertThat(MonotonicClock.parseUptime("12345 890")).isEmpty();
        assertThat(MonotonicClock.parseUptime("-1.00 0.00")).isEmpty();
    }

    /**
     * systemd accepts RELOADING=1 only with MONOTONIC_USEC at or after its own CLOCK_MONOTONIC reading. On Linux
     * HotSpot nanoTime is clock_gettime(CLOCK_MONOTONIC) (an implementation detail the code does not rely on; the
     * test may), so the value must not be below it, and not far above it on a machine that never suspended.
     */
    @Test
    void neverBelowClockMonotonic() {
        long before = System.nanoTime() / 1000;
        long micros = MonotonicClock.micros();

        assertThat(micros).isGreaterThanOrEqualTo(before);
    }
}
