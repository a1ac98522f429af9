package io.orbit.daemon;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for an eventually-true condition with a bounded deadline: the only way these tests wait. A timeout fails with
 * the last value seen and the caller's diagnostics (the daemon log), never with a bare "condition not met".
 */
final class Poll {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration INTERVAL = Duration.ofMillis(250);

    private Poll() {}

    static <T> T until(String what, Callable<T> probe, Predicate<? super T> done, Supplier<String> diagnostics)
            throws Exception {
        return until(what, DEFAULT_TIMEOUT, probe, done, diagnostics);
    }

    static <T> T until(
            String what, Duration timeout, Callable<T> probe, Predicate<? super T> done, Supplier<String> diagnostics)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception lastFailure = null;
        while (true) {
            try {
                last = probe.call();
                lastFailure = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                lastFailure = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError failure = new AssertionError("timed out after %s waiting for %s; last seen: %s%n%s"
                        .formatted(timeout, what, last, diagnostics.get()));
                if (lastFailure != null) {
                    failure.addSuppressed(lastFailure);
                }
                throw failure;
            }
            Thread.sleep(INTERVAL);
        }
    }

    /**
     * Checks that a condition holds at every poll for the whole duration (a service that must stay untouched): fails at
     * the first poll where it does not.
     */
    static <T> void holdsFor(
            String what, Duration duration, Callable<T> probe, Predicate<? super T> holds, Supplier<String> diagnostics)
            throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            T value = probe.call();
            if (!holds.test(value)) {
                throw new AssertionError(
                        "expected %s for %s, but saw: %s%n%s".formatted(what, duration, value, diagnostics.get()));
            }
            Thread.sleep(INTERVAL);
        }
    }
}
