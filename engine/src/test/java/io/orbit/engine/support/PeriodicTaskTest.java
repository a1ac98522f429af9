package io.orbit.engine.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The runner against a recording executor: what it schedules, on which thread, and what a failing run does. No thread
 * is started and no time passes; a "tick" is the recorded command run by the test.
 */
class PeriodicTaskTest {

    private final List<RecordingExecutor> executors = new ArrayList<>();
    private final AtomicInteger runs = new AtomicInteger();
    private final PeriodicTask task =
            new PeriodicTask("orbit-test", Duration.ofSeconds(2), runs::incrementAndGet, factory -> {
                RecordingExecutor executor = new RecordingExecutor(factory);
                executors.add(executor);
                return executor;
            });

    @Test
    void startSchedulesTheTaskWithAFixedDelayOfOneIntervalOnANamedDaemonThread() {
        task.start();

        RecordingExecutor executor = executors.getFirst();
        assertThat(executor.initialDelay).isEqualTo(2000);
        assertThat(executor.delay).isEqualTo(2000);
        assertThat(executor.unit).isEqualTo(TimeUnit.MILLISECONDS);
        Thread thread = executor.factory.newThread(() -> {});
        assertThat(thread.getName()).isEqualTo("orbit-test");
        assertThat(thread.isDaemon()).isTrue();
        assertThat(runs).hasValue(0);

        executor.tick();
        executor.tick();

        assertThat(runs).hasValue(2);
    }

    @Test
    void runFirstImmediatelySchedulesTheFirstRunAtOnceThenOneIntervalAfterEachRun() {
        PeriodicTask immediate = PeriodicTask.runFirstImmediately(
                "orbit-now", Duration.ofSeconds(10), runs::incrementAndGet, factory -> {
                    RecordingExecutor executor = new RecordingExecutor(factory);
                    executors.add(executor);
                    return executor;
                });

        immediate.start();

        RecordingExecutor executor = executors.getFirst();
        assertThat(executor.initialDelay).isZero();
        assertThat(executor.delay).isEqualTo(10_000);
        assertThat(executor.unit).isEqualTo(TimeUnit.MILLISECONDS);
        Thread thread = executor.factory.newThread(() -> {});
        assertThat(thread.getName()).isEqualTo("orbit-now");
        assertThat(thread.isDaemon()).isTrue();

        executor.tick();

        assertThat(runs).hasValue(1);
        assertThatThrownBy(immediate::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("orbit-now already started");
        immediate.close();
        assertThat(executor.shutdownNow).isTrue();
        assertThat(immediate.started()).isFalse();
    }

    @Test
    void runFirstImmediatelyStillRejectsANonPositiveInterval() {
        assertThatThrownBy(() -> PeriodicTask.runFirstImmediately("orbit-now", Duration.ofNanos(999), () -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRunThatThrowsIsLoggedAndTheNextRunStillComes() {
        AtomicInteger attempts = new AtomicInteger();
        PeriodicTask failing = new PeriodicTask(
                "orbit-test",
                Duration.ofSeconds(1),
                () -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("boom");
                    }
                },
                factory -> {
                    RecordingExecutor executor = new RecordingExecutor(factory);
                    executors.add(executor);
                    return executor;
                });
        failing.start();

        executors.getFirst().tick();
        executors.getFirst().tick();

        assertThat(attempts).hasValue(2);
    }

    @Test
    void startingTwiceIsAnError() {
        task.start();

        assertThatThrownBy(task::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("orbit-test already started");
        assertThat(executors).hasSize(1);
    }

    @Test
    void closeShutsTheThreadDownAndTheTaskMayStartAgain() {
        task.start();

        task.close();

        assertThat(executors.getFirst().shutdownNow).isTrue();
        assertThat(task.started()).isFalse();
        task.start();
        assertThat(executors).hasSize(2);
        assertThat(task.started()).isTrue();
        task.close();
    }

    @Test
    void closeBeforeStartDoesNothing() {
        task.close();

        assertThat(executors).isEmpty();
    }

    @Test
    void aNonPositiveIntervalIsRejected() {
        assertThatThrownBy(() -> new PeriodicTask("orbit-test", Duration.ZERO, () -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Records the one fixed-delay schedule; runs nothing by itself. */
    private static final class RecordingExecutor extends AbstractExecutorService implements ScheduledExecutorService {
        final ThreadFactory factory;

        @Nullable
        Runnable command;

        long initialDelay;
        long delay;

        @Nullable
        TimeUnit unit;

        boolean shutdownNow;

        RecordingExecutor(ThreadFactory factory) {
            this.factory = factory;
        }

        void tick() {
            assertThat(command).as("scheduled").isNotNull();
            command.run();
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(
                Runnable command, long initialDelay, long delay, TimeUnit unit) {
            assertThat(this.command).as("scheduled once").isNull();
            this.command = command;
            this.initialDelay = initialDelay;
            this.delay = delay;
            this.unit = unit;
            return null; // never read by the runner
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdownNow = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdownNow;
        }

        @Override
        public boolean isTerminated() {
            return shutdownNow;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return shutdownNow;
        }

        @Override
        public void shutdown() {
            throw new UnsupportedOperationException("the runner stops with shutdownNow");
        }

        @Override
        public void execute(Runnable command) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            throw new UnsupportedOperationException("the runner uses a fixed delay, never a fixed rate");
        }
    }
}
