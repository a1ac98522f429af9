package io.orbit.engine.health;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When a pod slot may restart again, and when it is crash-looping (DESIGN-NOTES §5 idea 2).
 *
 * <p>The first restart after a healthy spell is immediate: a single crash should cost no more than the restart
 * itself. Each further restart in a row waits {@code initial} doubled per restart, capped at {@code cap}, plus up to
 * {@code jitter} of it at random so pods that died together do not restart together. {@code crashLoopRestarts}
 * restarts within {@code crashLoopWindow} put the slot in a crash loop: it is then retried only every {@code cap}.
 * After {@code resetAfter} of uninterrupted health the count starts over.
 */
public record RestartBackoff(
        Duration initial,
        Duration cap,
        double jitter,
        Duration resetAfter,
        int crashLoopRestarts,
        Duration crashLoopWindow) {

    /** 1 s doubling to 5 min, +20 % jitter, reset after 10 min healthy, crash loop at 5 restarts in 10 min. */
    public static final RestartBackoff DEFAULT = new RestartBackoff(
            Duration.ofSeconds(1), Duration.ofMinutes(5), 0.2, Duration.ofMinutes(10), 5, Duration.ofMinutes(10));

    public RestartBackoff {
        requireNonNull(initial, "initial is null");
        requireNonNull(cap, "cap is null");
        requireNonNull(resetAfter, "resetAfter is null");
        requireNonNull(crashLoopWindow, "crashLoopWindow is null");
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be within [0, 1]: " + jitter);
        }
        if (crashLoopRestarts < 1) {
            throw new IllegalArgumentException("crashLoopRestarts must be at least 1: " + crashLoopRestarts);
        }
    }

    /**
     * The wait before the next restart when {@code streak} restarts happened in a row already.
     *
     * @param random where the jitter comes from
     */
    public Duration delayAfter(int streak, RandomGenerator random) {
        if (streak <= 0) {
            return Duration.ZERO;
        }
        long base = initial.toMillis() << Math.min(streak - 1, 30);
        if (base <= 0 || base > cap.toMillis()) {
            base = cap.toMillis();
        }
        long withJitter = base + (long) (base * jitter * random.nextDouble());
        return Duration.ofMillis(Math.min(withJitter, cap.toMillis()));
    }
}
