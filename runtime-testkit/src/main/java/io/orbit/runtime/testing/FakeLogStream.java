package io.orbit.runtime.testing;

import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.LogLine;
import io.orbit.runtime.LogListener;
import io.orbit.runtime.LogStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Delivers a fake container's log lines in order on its own thread, like an adapter's log stream. */
final class FakeLogStream implements LogStream {

    private final LogListener listener;
    private final Consumer<FakeLogStream> onClose;
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("orbit-fake-logs").factory());
    private final CountDownLatch ended = new CountDownLatch(1);

    FakeLogStream(LogListener listener, Consumer<FakeLogStream> onClose) {
        this.listener = listener;
        this.onClose = onClose;
    }

    void deliver(LogLine line) {
        submit(() -> listener.onLine(line));
    }

    /** Ends the stream once every line handed over so far is delivered. */
    void end() {
        submit(ended::countDown);
        delivery.shutdown();
    }

    private void submit(Runnable task) {
        try {
            delivery.execute(task);
        } catch (RejectedExecutionException closed) {
            // closed by the reader: nothing more is delivered
        }
    }

    @Override
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean isEnded() {
        return ended.getCount() == 0;
    }

    @Override
    public Optional<ContainerRuntimeException> failure() {
        return Optional.empty();
    }

    @Override
    public void close() {
        onClose.accept(this);
        delivery.shutdownNow();
        ended.countDown();
    }
}
