package io.orbit.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReconcileQueueTest {

    private final ManualClock clock = new ManualClock();
    private final ReconcileQueue queue = new ReconcileQueue(clock, RetryBackoff.DEFAULT);

    @Test
    void deduplicatesKeys() {
        queue.enqueue("web");
        queue.enqueue("web");
        queue.enqueue("api");

        assertThat(queue.poll()).hasValue("web");
        assertThat(queue.poll()).hasValue("api");
        assertThat(queue.poll()).isEmpty();
    }

    @Test
    void neverHandsOutAKeyThatIsBeingProcessedButRemembersItWasAskedFor() {
        queue.enqueue("web");
        assertThat(queue.poll()).hasValue("web");

        queue.enqueue("web");
        assertThat(queue.poll()).as("still processing").isEmpty();

        queue.done("web", true);
        assertThat(queue.poll()).hasValue("web");
    }

    @Test
    void failuresBackOffExponentiallyAndTriggersDoNotCutTheWaitShort() {
        failOnce("web");
        queue.enqueue("web"); // a resync or an event
        assertThat(queue.poll()).isEmpty();
        clock.advance(Duration.ofMillis(999));
        assertThat(queue.poll()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(queue.poll()).hasValue("web");
        queue.done("web", false);

        clock.advance(Duration.ofMillis(1999));
        assertThat(queue.poll()).as("second failure waits 2 s").isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(queue.poll()).hasValue("web");
        assertThat(queue.failures("web")).isEqualTo(2);
    }

    @Test
    void successResetsTheBackoff() {
        failOnce("web");
        clock.advance(Duration.ofSeconds(1));
        assertThat(queue.poll()).hasValue("web");
        queue.done("web", true);

        assertThat(queue.failures("web")).isZero();
        queue.enqueue("web");
        assertThat(queue.poll()).hasValue("web");
    }

    @Test
    void aConfigChangeRetriesAtOnce() {
        failOnce("web");
        failOnceMore("web");

        queue.enqueueNow("web");

        assertThat(queue.poll()).hasValue("web");
        assertThat(queue.failures("web")).isZero();
    }

    @Test
    void aTimedRequeueWaitsForItsTime() {
        queue.enqueueAfter("web", Duration.ofSeconds(5));

        assertThat(queue.poll()).isEmpty();
        clock.advance(Duration.ofSeconds(5));
        assertThat(queue.poll()).hasValue("web");
    }

    @Test
    void backoffIsCappedAtFiveMinutes() {
        assertThat(RetryBackoff.DEFAULT.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RetryBackoff.DEFAULT.delayAfter(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(RetryBackoff.DEFAULT.delayAfter(9))
                .isEqualTo(Duration.ofMinutes(4).plusSeconds(16));
        assertThat(RetryBackoff.DEFAULT.delayAfter(10)).isEqualTo(Duration.ofMinutes(5));
        assertThat(RetryBackoff.DEFAULT.delayAfter(1000)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void takeReturnsEmptyAfterShutdown() throws InterruptedException {
        queue.shutDown();

        assertThat(queue.take()).isEqualTo(Optional.empty());
    }

    private void failOnce(String key) {
        queue.enqueue(key);
        assertThat(queue.poll()).hasValue(key);
        queue.done(key, false);
    }

    private void failOnceMore(String key) {
        clock.advance(RetryBackoff.DEFAULT.delayAfter(queue.failures(key)));
        assertThat(queue.poll()).hasValue(key);
        queue.done(key, false);
    }

    @org.junit.jupiter.api.Test
    void aTimedRequeueHoldsNothingBack() {
        queue.enqueueAfter("web", java.time.Duration.ofMinutes(5));

        queue.enqueue("web");

        org.assertj.core.api.Assertions.assertThat(queue.poll())
                .as("an event still runs the key at once")
                .hasValue("web");
        queue.done("web", true);
        clock.advance(java.time.Duration.ofMinutes(5));
        org.assertj.core.api.Assertions.assertThat(queue.poll())
                .as("and the timed requeue comes too")
                .hasValue("web");
    }

    @Test
    void theEngineComingBackReleasesEveryBackedOffKeyAtOnceAndForgetsTheFailures() {
        // an outage long enough for the back-off to reach its cap
        for (int failure = 0; failure < 10; failure++) {
            if (failure == 0) {
                failOnce("web");
                failOnce("api");
            } else {
                failOnceMore("web");
                clock.advance(RetryBackoff.DEFAULT.delayAfter(queue.failures("api")));
                assertThat(queue.poll()).hasValue("api");
                queue.done("api", false);
            }
        }
        assertThat(queue.failures("web")).isEqualTo(10);
        queue.enqueue("web");
        assertThat(queue.poll()).as("five minutes of back-off ahead").isEmpty();

        assertThat(queue.retryAllNow()).isEqualTo(2);

        assertThat(List.of(queue.poll(), queue.poll()))
                .containsExactlyInAnyOrder(Optional.of("web"), Optional.of("api"));
        assertThat(queue.failures("web")).isZero();
        queue.done("web", false);
        clock.advance(Duration.ofSeconds(1));
        assertThat(queue.poll())
                .as("a failure after the return starts again at 1 s")
                .hasValue("web");
    }
}
