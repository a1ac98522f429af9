package io.orbit.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.jspecify.annotations.Nullable;

/**
 * The one way the tests wait: a probe polled with Awaitility until a condition holds, within a deadline. A timeout
 * fails with what was awaited, the last value seen (and the probe's last exception, if it threw) and the caller's
 * diagnostics (a daemon log), never with a bare "condition not met".
 *
 * <p>The probe runs on the calling thread (as a hand-written loop would): it may touch state that is not thread-safe,
 * and an interrupt of the test stops the wait. A probe that throws is retried until the deadline.
 */
public final class Poll {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** For a real engine or daemon: a quarter second between polls keeps their load low. */
    public static final Duration INTERVAL = Duration.ofMillis(250);

    private Poll() {}

    public static <T> T until(String what, Callable<T> probe, Predicate<? super T> done, Supplier<String> diagnostics) {
        return until(what, DEFAULT_TIMEOUT, INTERVAL, probe, done, diagnostics);
    }

    public static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<? super T> done) {
        return until(what, timeout, INTERVAL, probe, done, () -> "");
    }

    public static <T> T until(
            String what, Duration timeout, Callable<T> probe, Predicate<? super T> done, Supplier<String> diagnostics) {
        return until(what, timeout, INTERVAL, probe, done, diagnostics);
    }

    /**
     * Polls {@code probe} every {@code interval} (the first time at once) until {@code done} accepts its value, and
     * returns that value.
     *
     * @throws AssertionError after {@code timeout}, naming {@code what}, the last value and {@code diagnostics}
     */
    public static <T> T until(
            String what,
            Duration timeout,
            Duration interval,
            Callable<T> probe,
            Predicate<? super T> done,
            Supplier<String> diagnostics) {
        Recorded<T> recorded = new Recorded<>(probe);
        try {
            return conditions(what, interval)
                    .atMost(timeout)
                    .ignoreExceptionsMatching(e -> !(e instanceof InterruptedException))
                    .until(recorded::call, done::test);
        } catch (ConditionTimeoutException e) {
            AssertionError failure = new AssertionError("timed out after %s waiting for %s; last seen: %s%n%s"
                    .formatted(timeout, what, recorded.last.get(), diagnostics.get()));
            Throwable lastFailure = recorded.lastFailure.get();
            if (lastFailure != null) {
                failure.addSuppressed(lastFailure);
            }
            throw failure;
        }
    }

    /**
     * Checks that a condition holds at every poll for the whole {@code duration} (a service that must stay untouched):
     * fails at the first poll where it does not, with the value seen then.
     */
    public static <T> void holdsFor(
            String what,
            Duration duration,
            Callable<T> probe,
            Predicate<? super T> holds,
            Supplier<String> diagnostics) {
        Recorded<T> recorded = new Recorded<>(probe);
        AtomicReference<@Nullable T> broken = new AtomicReference<>();
        try {
            conditions(what, INTERVAL)
                    .during(duration)
                    // Slow probes stretch the polls: the bound is generous, the fail-fast check is what is strict.
                    .atMost(duration.multipliedBy(2).plus(Duration.ofSeconds(10)))
                    .failFast(what + " broke", () -> broken.get() != null)
                    .until(
                            () -> {
                                T value = recorded.call();
                                if (!holds.test(value)) {
                                    broken.compareAndSet(null, value);
                                }
                                return value;
                            },
                            holds::test);
        } catch (TerminalFailureException | ConditionTimeoutException e) {
            throw new AssertionError("expected %s for %s, but saw: %s%n%s"
                    .formatted(
                            what,
                            duration,
                            broken.get() != null ? broken.get() : recorded.last.get(),
                            diagnostics.get()));
        }
    }

    private static ConditionFactory conditions(String what, Duration interval) {
        return await(what).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(interval);
    }

    /** Remembers the probe's last value and last exception, for the failure message. */
    private static final class Recorded<T> {
        private final Callable<T> probe;
        final AtomicReference<@Nullable T> last = new AtomicReference<>();
        final AtomicReference<@Nullable Exception> lastFailure = new AtomicReference<>();

        Recorded(Callable<T> probe) {
            this.probe = probe;
        }

        T call() throws Exception {
            try {
                T value = probe.call();
                last.set(value);
                lastFailure.set(null);
                return value;
            } catch (Exception e) {
                lastFailure.set(e);
                throw e;
            }
        }
    }
}
