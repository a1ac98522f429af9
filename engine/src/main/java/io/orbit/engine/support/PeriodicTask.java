package io.orbit.engine.support;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task on its own daemon thread, first one interval after {@link #start()} (or at once, when made by {@link
 * #runFirstImmediately}), then again one interval after each run ends (a fixed delay: a slow run is never overlapped
 * nor followed by a burst of catch-up runs). A run that throws
 * is logged and the next one comes as usual, because a {@link ScheduledExecutorService} task that throws is silently
 * never run again. {@link #close()} interrupts a run in progress and ends the thread; the task may be started again.
 *
 * <p>Being a daemon thread, it never keeps the JVM alive; the owner closes it on shutdown. Thread-safe.
 */
public final class PeriodicTask implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final String threadName;
    private final Duration firstDelay;
    private final Duration interval;
    private final Runnable task;
    private final Function<ThreadFactory, ScheduledExecutorService> executors;
    private @Nullable ScheduledExecutorService executor;

    /**
     * @param threadName the thread's name, as thread dumps and logs show it
     * @param interval the delay before the first run and between the end of a run and the start of the next
     */
    public PeriodicTask(String threadName, Duration interval, Runnable task) {
        this(threadName, interval, task, Executors::newSingleThreadScheduledExecutor);
    }

    /**
     * A task whose first run comes as soon as it is {@link #start() started}, then one interval after each run ends.
     *
     * @param threadName the thread's name, as thread dumps and logs show it
     * @param interval the delay between the end of a run and the start of the next
     */
    public static PeriodicTask runFirstImmediately(String threadName, Duration interval, Runnable task) {
        return runFirstImmediately(threadName, interval, task, Executors::newSingleThreadScheduledExecutor);
    }

    /** @param executors makes the executor from the daemon thread factory (a recording one in tests) */
    static PeriodicTask runFirstImmediately(
            String threadName,
            Duration interval,
            Runnable task,
            Function<ThreadFactory, ScheduledExecutorService> executors) {
        return new PeriodicTask(threadName, Duration.ZERO, interval, task, executors);
    }

    /** @param executors makes the executor from the daemon thread factory (a recording one in tests) */
    PeriodicTask(
            String threadName,
            Duration interval,
            Runnable task,
            Function<ThreadFactory, ScheduledExecutorService> executors) {
        this(threadName, interval, interval, task, executors);
    }

    /** @param firstDelay the delay before the first run: the interval, or zero for a first run at once */
    private PeriodicTask(
            String threadName,
            Duration firstDelay,
            Duration interval,
            Runnable task,
            Function<ThreadFactory, ScheduledExecutorService> executors) {
        this.threadName = requireNonNull(threadName, "threadName is null");
        this.firstDelay = requireNonNull(firstDelay, "firstDelay is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.task = requireNonNull(task, "task is null");
        this.executors = requireNonNull(executors, "executors is null");
        if (interval.toMillis() <= 0) {
            throw new IllegalArgumentException("interval must be at least 1 ms, got " + interval);
        }
    }

    /** Starts the thread; the first run comes one interval later, or at once for {@link #runFirstImmediately}. */
    public synchronized void start() {
        if (executor != null) {
            throw new IllegalStateException(threadName + " already started");
        }
        ScheduledExecutorService started =
                executors.apply(Thread.ofPlatform().daemon().name(threadName).factory());
        started.scheduleWithFixedDelay(
                this::runSafely, firstDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        executor = started;
    }

    /** True between {@link #start()} and {@link #close()}. */
    public synchronized boolean started() {
        return executor != null;
    }

    private void runSafely() {
        runSafely(task);
    }

    private void runSafely(Runnable run) {
        try {
            run.run();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; the next tick may well succeed.
            log.atError().setCause(e).addKeyValue("thread", threadName).log(threadName + " tick failed");
        }
    }

    /**
     * Runs {@code extra} once on this task's thread, after a run in progress (never concurrently with the task): a
     * run on demand between two scheduled ones. False when not started (nothing runs).
     */
    public synchronized boolean submit(Runnable extra) {
        ScheduledExecutorService running = executor;
        if (running == null) {
            return false;
        }
        try {
            running.execute(() -> runSafely(extra));
            return true;
        } catch (RejectedExecutionException e) {
            return false; // closing
        }
    }

    /** Stops the thread, interrupting a run in progress; does nothing when not started. */
    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}
