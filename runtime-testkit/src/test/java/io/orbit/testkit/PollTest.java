package io.orbit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {

    private static final Duration FAST = Duration.ofMillis(5);

    @Test
    void returnsTheFirstValueThatIsDoneAndRetriesAProbeThatThrows() {
        AtomicInteger calls = new AtomicInteger();
        int value = Poll.until(
                "the third call",
                Duration.ofSeconds(10),
                FAST,
                () -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new IOException("not yet");
                    }
                    return calls.get();
                },
                n -> n >= 3,
                () -> "");
        assertThat(value).isEqualTo(3);
    }

    @Test
    void aTimeoutNamesWhatWasAwaitedTheLastValueAndTheDiagnostics() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Poll.until(
                        "a negative number",
                        Duration.ofMillis(100),
                        FAST,
                        calls::incrementAndGet,
                        n -> n < 0,
                        () -> "daemon log: nothing"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("timed out after PT0.1S waiting for a negative number; last seen: ")
                .hasMessageContaining("daemon log: nothing");
        assertThat(calls.get()).isGreaterThan(1);
    }

    @Test
    void aTimeoutKeepsTheProbesLastException() {
        assertThatThrownBy(() -> Poll.until(
                        "an answer",
                        Duration.ofMillis(50),
                        FAST,
                        () -> {
                            throw new IOException("connection refused");
                        },
                        any -> true,
                        () -> ""))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("waiting for an answer; last seen: null")
                .satisfies(failure -> assertThat(failure.getSuppressed())
                        .singleElement()
                        .satisfies(e -> assertThat(e).hasMessage("connection refused")));
    }

    @Test
    void holdsForPassesWhenTheConditionHoldsThroughout() {
        AtomicInteger calls = new AtomicInteger();
        Poll.holdsFor("a positive number", Duration.ofMillis(600), calls::incrementAndGet, n -> n > 0, () -> "");
        assertThat(calls.get()).as("polled through the period").isGreaterThan(1);
    }

    @Test
    void holdsForFailsWithTheValueThatBrokeIt() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Poll.holdsFor(
                        "fewer than 3 calls", Duration.ofSeconds(30), calls::incrementAndGet, n -> n < 3, () -> "log"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected fewer than 3 calls for PT30S, but saw: 3")
                .hasMessageContaining("log");
        assertThat(calls.get()).as("failed fast, not at the end of the period").isLessThan(10);
    }
}
