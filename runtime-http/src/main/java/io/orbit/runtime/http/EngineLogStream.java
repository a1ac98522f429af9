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
import java.util.function.UnaryOperator;

/**
 * A container's log answer, requested and read on its own platform thread ({@link TimestampedLogFrames}), for both
 * adapters. The request is sent from that thread because libpod withholds the answer's head until the container
 * prints a line: a follow of a quiet container would otherwise block its caller. Closing aborts the exchange at
 * any point, also while it waits for that head.
 */
public final class EngineLogStream implements LogStream {

    private final EngineHttpClient.PendingStream request;
    private final UnaryOperator<EngineStream> check;
    private final LogListener listener;
    private final Function<IOException, ContainerRuntimeException> broken;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Optional<ContainerRuntimeException> failure = Optional.empty();

    private EngineLogStream(
            EngineHttpClient.PendingStream request,
            UnaryOperator<EngineStream> check,
            LogListener listener,
            Function<IOException, ContainerRuntimeException> broken) {
        this.request = requireNonNull(request, "request is null");
        this.check = requireNonNull(check, "check is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.broken = requireNonNull(broken, "broken is null");
    }

    /**
     * Starts reading.
     *
     * @param threadName e.g. {@code orbit-podman-logs}
     * @param request the engine's logs endpoint with timestamps, not yet sent
     * @param check returns a successful answer, throws the adapter's exception for an error answer (and closes it)
     * @param broken what to report when the connection breaks off mid-stream
     */
    public static EngineLogStream start(
            String threadName,
            EngineHttpClient.PendingStream request,
            UnaryOperator<EngineStream> check,
            LogListener listener,
            Function<IOException, ContainerRuntimeException> broken) {
        EngineLogStream logs = new EngineLogStream(request, check, listener, broken);
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
        try (EngineStream stream = check.apply(request.open())) {
            new TimestampedLogFrames(InstantSource.system()).read(stream.body(), listener);
        } catch (ContainerRuntimeException e) {
            if (!closed) {
                failure = Optional.of(e);
            }
        } catch (IOException e) {
            if (!closed) {
                failure = Optional.of(broken.apply(e));
            }
        } finally {
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
        request.abort();
    }
}
