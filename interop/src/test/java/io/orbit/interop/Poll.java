package io.orbit.interop;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Polls a probe until it holds, with a deadline; the failure says what was awaited and what was seen last. */
public final class Poll {

    private Poll() {}

    public static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<? super T> done)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.call();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not within " + timeout + "; last seen: " + last);
            }
            Thread.sleep(250);
            last = probe.call();
        }
        return last;
    }
}
