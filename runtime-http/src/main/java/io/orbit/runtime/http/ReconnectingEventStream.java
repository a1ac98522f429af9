package io.orbit.runtime.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ContainerEvent;
import io.orbit.runtime.EventListener;
import io.orbit.runtime.EventSubscription;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows an engine's event stream on its own platform thread and reconnects after any failure, with a back-off
 * from 100 ms doubling to 5 s. After a reconnect the listener hears {@link EventListener#onStreamReconnected()},
 * because events may have been missed while the stream was down.
 *
 * <p>The engine-specific parts are injected: how to open the stream and how to turn one JSON object into an event
 * (empty for events the port does not model).
 *
 * <p>Adapters open it with an idle deadline ({@link #IDLE_DEADLINE}): a stream on which a hung engine says nothing
 * would otherwise be waited on forever. Neither engine sends heartbeats, so a quiet host hits the deadline too: that
 * reconnect is at once and quiet (DEBUG), and the listener still hears {@link EventListener#onStreamReconnected()}
 * (a pass of every service, as the resync does every few seconds anyway).
 */
public final class ReconnectingEventStream implements EventSubscription {

    private static final Logger log = LoggerFactory.getLogger(ReconnectingEventStream.class);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** How long an event stream may stay silent before it is reopened; adapters pass it to the stream's opener. */
    public static final Duration IDLE_DEADLINE = Duration.ofMinutes(2);

    private final Supplier<EngineStream> opener;
    private final Function<JsonNode, Optional<ContainerEvent>> parser;
    private final EventListener listener;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile @Nullable EngineStream current;

    private ReconnectingEventStream(
            String name,
            Supplier<EngineStream> opener,
            Function<JsonNode, Optional<ContainerEvent>> parser,
            EventListener listener) {
        this.opener = requireNonNull(opener, "opener is null");
        this.parser = requireNonNull(parser, "parser is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    }

    /**
     * Starts following the stream.
     *
     * @param threadName e.g. {@code orbit-podman-events}
     * @param opener opens the stream (may throw {@link io.orbit.runtime.ContainerRuntimeException})
     * @param parser maps one engine event to a port event, or empty to skip it
     */
    public static ReconnectingEventStream start(
            String threadName,
            Supplier<EngineStream> opener,
            Function<JsonNode, Optional<ContainerEvent>> parser,
            EventListener listener) {
        ReconnectingEventStream stream = new ReconnectingEventStream(threadName, opener, parser, listener);
        stream.thread.start();
        return stream;
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        boolean everConnected = false;
        boolean quietReconnect = false;
        while (!closed) {
            try (EngineStream stream = opener.get()) {
                current = stream;
                if (!stream.isSuccess()) {
                    throw new IOException("event stream answered " + stream.status() + ": " + stream.readRemaining());
                }
                connected = true;
                if (everConnected) {
                    if (quietReconnect) {
                        log.atDebug().log("container event stream reopened after its idle deadline");
                    } else {
                        log.atInfo().log("container event stream reconnected");
                    }
                    listener.onStreamReconnected();
                }
                quietReconnect = false;
                everConnected = true;
                backoff = FIRST_BACKOFF;
                Iterator<JsonNode> events = Json.objects(stream.body());
                while (!closed && events.hasNext()) {
                    parser.apply(events.next()).ifPresent(this::deliver);
                }
            } catch (IOException | RuntimeException e) {
                if (!closed && connected && EngineHttpClient.isIdleTimeout(e)) {
                    // silence, not failure: reopen at once
                    quietReconnect = true;
                } else if (!closed) {
                    log.atWarn()
                            .addKeyValue("retryInMs", backoff.toMillis())
                            .log("container event stream failed: {}", String.valueOf(e.getMessage()));
                }
            } finally {
                connected = false;
                current = null;
            }
            if (!closed && !quietReconnect) {
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void deliver(ContainerEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            log.atError().log("event listener failed on " + event, e);
        }
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public void close() {
        closed = true;
        EngineStream stream = current;
        if (stream != null) {
            stream.close();
        }
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
