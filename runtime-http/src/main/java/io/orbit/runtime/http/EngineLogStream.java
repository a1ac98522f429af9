package io.orbit.runtime.http;

import static java.util.Objects.requireNonNull;

import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.LogListener;
import io.orbit.runtime.LogStream;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A container's log answer read on its own platform thread ({@link TimestampedLogFrames}), for both adapters. The
 * request was already answered with success when this starts; the adapter maps error answers before.
 */
public final class EngineLogStream implements LogStream {

    private final EngineStream stream;
    private final LogListener listener;
    private final Function<IOException, ContainerRuntimeException> broken;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Optional<ContainerRuntimeException> failure = Optional.empty();

    private EngineLogStream(
            EngineStream stream, LogListener listener, Function<IOException, ContainerRuntimeException> broken) {
        this.stream = requireNonNull(stream, "stream is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.broken = requireNonNull(broken, "broken is null");
    }

    /**
     * Starts reading.
     *
     * @param threadName e.g. {@code orbit-podman-logs}
     * @param stream a successful answer of the engine's logs endpoint with timestamps
     * @param broken what to report when the connection breaks off mid-stream
     */
    public static EngineLogStream start(
            String threadName,
            EngineStream stream,
            LogListener listener,
            Function<IOException, ContainerRuntimeException> broken) {
        EngineLogStream logs = new EngineLogStream(stream, listener, broken);
        Thread.ofPlatform().daemon().name(threadName).start(logs::run);
        return logs;
    }

    /**
     * The engines' {@code tail} query value: a count, or the engine's word for all lines.
     *
     * @throws IllegalArgumentException for a tail below {@link ContainerRuntime#ALL_LINES}
     */
    public static String tailQuery(int tail, String allLines) {
        if (tail < ContainerRuntime.ALL_LINES) {
            throw new IllegalArgumentException("tail must be ALL_LINES (-1) or at least 0, got " + tail);
        }
        return tail == ContainerRuntime.ALL_LINES ? allLines : Integer.toString(tail);
    }

    private void run() {
        try {
            new TimestampedLogFrames(InstantSource.system()).read(stream.body(), listener);
        } catch (IOException e) {
            if (!closed) {
                failure = Optional.of(broken.apply(e));
            }
        } finally {
            stream.close();
            ended.countDown();
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
        return failure;
    }

    /** Aborts the exchange; the reading thread then ends (a read blocked on a quiet container is interrupted). */
    @Override
    public void close() {
        closed = true;
        stream.close();
    }
}
