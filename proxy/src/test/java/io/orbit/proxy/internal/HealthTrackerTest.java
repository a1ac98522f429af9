package io.orbit.proxy.internal;

import static io.orbit.proxy.internal.HealthTracker.Status.DOWN;
import static io.orbit.proxy.internal.HealthTracker.Status.STARTING;
import static io.orbit.proxy.internal.HealthTracker.Status.UP;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HealthTrackerTest {

    @Test
    void aNewBackendStaysStartingUntilItsFirstPassingProbe() {
        HealthTracker tracker = new HealthTracker(3, 2);
        assertThat(tracker.status()).isEqualTo(STARTING);
        assertThat(tracker.record(false)).isEqualTo(STARTING);
        assertThat(tracker.record(false)).isEqualTo(STARTING);
        assertThat(tracker.record(false)).isEqualTo(STARTING);
        assertThat(tracker.record(true)).isEqualTo(UP);
    }

    @Test
    void goesDownAfterFallConsecutiveFailuresOnly() {
        HealthTracker tracker = new HealthTracker(3, 2);
        tracker.record(true);
        assertThat(tracker.record(false)).isEqualTo(UP);
        assertThat(tracker.record(false)).isEqualTo(UP);
        assertThat(tracker.record(true)).isEqualTo(UP);
        assertThat(tracker.record(false)).isEqualTo(UP);
        assertThat(tracker.record(false)).isEqualTo(UP);
        assertThat(tracker.record(false)).isEqualTo(DOWN);
    }

    @Test
    void comesBackUpAfterRiseConsecutiveSuccesses() {
        HealthTracker tracker = new HealthTracker(1, 2);
        tracker.record(true);
        assertThat(tracker.record(false)).isEqualTo(DOWN);
        assertThat(tracker.record(true)).isEqualTo(DOWN);
        assertThat(tracker.record(false)).isEqualTo(DOWN);
        assertThat(tracker.record(true)).isEqualTo(DOWN);
        assertThat(tracker.record(true)).isEqualTo(UP);
    }
}
