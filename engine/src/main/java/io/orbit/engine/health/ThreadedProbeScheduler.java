package io.orbit.engine.health;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One timer thread that only hands due probes to executors: a virtual thread per socket probe (a probe waiting for a
 * slow container blocks nobody) and a small platform pool for exec probes, which call the engine.
 */
public final class ThreadedProbeScheduler implements ProbeScheduler {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("orbit-probe-timer").factory());
    private final ExecutorService sockets = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("orbit-probe-", 0).factory());
    private final ExecutorService engineCalls = Executors.newFixedThreadPool(
            2, Thread.ofPlatform().daemon().name("orbit-probe-exec-", 0).factory());

    @Override
    public Cancellable schedule(Duration delay, boolean callsEngine, Runnable task) {
        ExecutorService executor = callsEngine ? engineCalls : sockets;
        if (timer.isShutdown()) {
            return () -> {};
        }
        ScheduledFuture<?> future = timer.schedule(
                () -> {
                    if (!executor.isShutdown()) {
                        executor.execute(task);
                    }
                },
                Math.max(0, delay.toNanos()),
                TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        sockets.shutdownNow();
        engineCalls.shutdownNow();
    }
}
