package io.orbit.engine.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.testing.ManualClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventJournalTest {

    private final EventJournal journal = new EventJournal(new ManualClock(), 3);

    @Test
    void keepsTheLastEntriesInOrderWithGrowingSequenceNumbers() {
        for (int i = 1; i <= 5; i++) {
            journal.record("pod-started", Optional.of("web"), Optional.empty(), "pod " + i);
        }

        assertThat(journal.after(0)).extracting(JournalEntry::sequence).containsExactly(3L, 4L, 5L);
        assertThat(journal.after(4)).extracting(JournalEntry::message).containsExactly("pod 5");
    }

    @Test
    void awaitReturnsAtOnceWhenSomethingIsNewAndEmptyAfterTheTimeout() throws InterruptedException {
        journal.record("pod-removed", Optional.of("web"), Optional.of("p1"), "surplus");

        assertThat(journal.await(0, Duration.ofSeconds(5))).hasSize(1);
        assertThat(journal.await(1, Duration.ofMillis(10))).isEmpty();
    }
}
