package io.orbit.engine.testing;

import io.orbit.engine.health.ProbeScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Probe scheduling on a {@link ManualClock}: tasks run on the test's thread, when {@link #advance} moves the clock
 * past their time, in time order. No threads, no sleeps.
 */
public final class ManualProbeScheduler implements ProbeScheduler {

    private record Task(Instant due, long order, Runnable work) {}

    private final ManualClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private long nextOrder;

    public ManualProbeScheduler(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, boolean callsEngine, Runnable work) {
        Task task = new Task(clock.instant().plus(delay), nextOrder++, work);
        tasks.add(task);
        return () -> {
            synchronized (this) {
                tasks.remove(task);
            }
        };
    }

    /** Runs what is due now (and what those tasks schedule for now). */
    public void runDue() {
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream()
                        .filter(task -> !task.due().isAfter(clock.instant()))
                        .min(Comparator.comparing(Task::due).thenComparingLong(Task::order))
                        .orElse(null);
                if (next == null) {
                    return;
                }
                tasks.remove(next);
            }
            next.work().run();
        }
    }

    /** Moves the clock forward in steps of at most {@code step}, running what falls due on the way. */
    public void advance(Duration total, Duration step) {
        runDue();
        Duration left = total;
        while (!left.isZero() && !left.isNegative()) {
            Duration move = left.compareTo(step) < 0 ? left : step;
            clock.advance(move);
            left = left.minus(move);
            runDue();
        }
    }

    public synchronized int pending() {
        return tasks.size();
    }

    @Override
    public void close() {
        synchronized (this) {
            tasks.clear();
        }
    }
}
