package io.orbit.daemon.dashboard;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orbit.engine.state.StatusStore;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ui/stream[?service=NAME]}: one Server-Sent Events stream per open page, so a page never polls.
 *
 * <pre>
 *   event: status   data: {"services": [...], "health": {...}, "problems": [...]}   on every change, at most 4/s
 *   event: journal  data: [{"sequence": …, "kind": …, "service": …, "message": …}, …]   new journal entries
 *   event: series   data: {"times": [...], "series": {...}, "markers": [...]}        the page's service, every sample
 *   : keepalive                                                                       after 15 s of silence
 * </pre>
 *
 * <p>Cost: one publisher thread ({@code orbit-dashboard}) renders each event once for all pages and writes it without
 * blocking; no thread is held per page (unlike a long poll). With no page open it waits and renders nothing. A page is
 * woken by the status store's changes (a reconcile pass) or, at the latest, after {@value #TICK_MILLIS} ms for the
 * journal. Bounded: at most {@value #MAX_SUBSCRIBERS} streams (503 beyond, the page retries), and a page that does not
 * read keeps at most {@value #MAX_PENDING_CHARS} characters waiting before its stream is closed.
 *
 * <p>Longer than 300 lines: the one publisher thread and the bounded per-page writers it feeds, sharing the set of subscribers and their back-pressure.
 */
public final class DashboardStream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DashboardStream.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final int MAX_SUBSCRIBERS = 64;
    static final int MAX_PENDING_CHARS = 1024 * 1024;
    static final long TICK_MILLIS = 1000;
    /** The least time between two status events: a burst of changes (a scale to 10) is sent as one. */
    static final long MIN_STATUS_INTERVAL_MILLIS = 250;

    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    /** The journal entries a new page gets first, for its event feed. */
    static final int RECENT_EVENTS = 100;

    private final DashboardSource source;
    private final SeriesRing ring;
    private final LongSupplier ringVersion;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final Object signal = new Object();
    private boolean changed;
    private volatile boolean running;
    private @Nullable Thread publisher;

    // Publisher state: touched by the publisher thread only (and by subscribe, under the subscriber's lock).
    private volatile long lastSequence;
    private volatile String lastStatus = "";
    private long lastSeriesVersion = -1;

    /**
     * @param ringVersion grows with every sample added to the ring, so series are rendered once per sample
     */
    DashboardStream(DashboardSource source, SeriesRing ring, LongSupplier ringVersion, StatusStore status) {
        this.source = requireNonNull(source, "source is null");
        this.ring = requireNonNull(ring, "ring is null");
        this.ringVersion = requireNonNull(ringVersion, "ringVersion is null");
        status.onChange(this::wake);
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        List<Map<String, Object>> past = source.eventsAfter(0);
        if (!past.isEmpty() && past.getLast().get("sequence") instanceof Number number) {
            lastSequence = number.longValue();
        }
        publisher = Thread.ofPlatform().daemon().name("orbit-dashboard").start(this::publish);
    }

    /**
     * Starts a stream on this response; the exchange stays open until the page goes or the daemon stops.
     *
     * @return false when {@value #MAX_SUBSCRIBERS} streams are open: the caller answers 503
     */
    public boolean subscribe(Response response, Callback done, Optional<String> service) {
        if (subscribers.size() >= MAX_SUBSCRIBERS) {
            return false;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Subscriber subscriber = new Subscriber(response, done, service);
        StringBuilder first = new StringBuilder("retry: 2000\n\n");
        first.append(event("status", render(source.overview())));
        List<Map<String, Object>> events = source.eventsAfter(0);
        first.append(event(
                "journal", render(events.subList(Math.max(0, events.size() - RECENT_EVENTS), events.size()))));
        service.ifPresent(name -> first.append(event("series", render(ring.view(name)))));
        subscriber.send(first.toString());
        subscribers.add(subscriber);
        wake();
        return true;
    }

    /** Open streams (for tests and the benchmark). */
    int subscribers() {
        return subscribers.size();
    }

    void wake() {
        synchronized (signal) {
            changed = true;
            signal.notifyAll();
        }
    }

    private void publish() {
        long lastSent = System.nanoTime();
        long lastStatusAt = 0;
        while (running) {
            try {
                synchronized (signal) {
                    long deadline =
                            System.nanoTime() + Duration.ofMillis(TICK_MILLIS).toNanos();
                    // With no page open: nothing is rendered; subscribe() wakes the thread.
                    while (running && (subscribers.isEmpty() || !changed)) {
                        long left =
                                subscribers.isEmpty() ? Duration.ofSeconds(60).toNanos() : deadline - System.nanoTime();
                        if (left <= 0 && !subscribers.isEmpty()) {
                            break;
                        }
                        signal.wait(Math.max(1, left / 1_000_000));
                    }
                    changed = false;
                }
                if (!running) {
                    return;
                }
                long sinceStatus = (System.nanoTime() - lastStatusAt) / 1_000_000;
                if (sinceStatus < MIN_STATUS_INTERVAL_MILLIS) {
                    // a burst of changes: the next round sends them as one
                    Thread.sleep(MIN_STATUS_INTERVAL_MILLIS - sinceStatus);
                }
                boolean sent = round();
                lastStatusAt = System.nanoTime();
                if (sent) {
                    lastSent = System.nanoTime();
                } else if (System.nanoTime() - lastSent > KEEPALIVE.toNanos()) {
                    subscribers.forEach(subscriber -> subscriber.send(": keepalive\n\n"));
                    lastSent = System.nanoTime();
                }
            } catch (InterruptedException stopping) {
                return;
            } catch (RuntimeException e) {
                log.atWarn().log("dashboard stream: " + e, e);
            }
        }
    }

    /** Renders what changed once and sends it to every page that wants it; true when something was sent. */
    boolean round() {
        boolean sent = false;
        List<Map<String, Object>> events = source.eventsAfter(lastSequence);
        if (!events.isEmpty()) {
            lastSequence =
                    events.getLast().get("sequence") instanceof Number number ? number.longValue() : lastSequence;
            String text = event("journal", render(events));
            subscribers.forEach(subscriber -> subscriber.send(text));
            sent = true;
        }
        String status = render(source.overview());
        if (!status.equals(lastStatus)) {
            lastStatus = status;
            String text = event("status", status);
            subscribers.forEach(subscriber -> subscriber.send(text));
            sent = true;
        }
        long version = ringVersion.getAsLong();
        if (version != lastSeriesVersion) {
            lastSeriesVersion = version;
            Map<String, String> rendered = new java.util.HashMap<>();
            for (Subscriber subscriber : subscribers) {
                subscriber.service.ifPresent(name -> subscriber.send(
                        rendered.computeIfAbsent(name, any -> event("series", render(ring.view(any))))));
            }
            sent |= !rendered.isEmpty();
        }
        return sent;
    }

    private static String event(String name, String data) {
        // JSON has no raw newlines (Jackson escapes them), so the data is one 'data:' line.
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private static String render(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the dashboard's JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        Thread thread;
        synchronized (this) {
            running = false;
            thread = publisher;
        }
        wake();
        if (thread != null) {
            thread.interrupt();
            thread.join(Duration.ofSeconds(2));
        }
        subscribers.forEach(subscriber -> subscriber.fail(new EOFException("the daemon is stopping")));
        subscribers.clear();
    }

    /** One open page: writes in order, never more than one at a time, never blocking the publisher. */
    private final class Subscriber {
        private final Response response;
        private final Callback done;
        private final Optional<String> service;
        private final StringBuilder pending = new StringBuilder();
        private boolean writing;
        private boolean closed;
        private final java.util.concurrent.atomic.AtomicBoolean finished =
                new java.util.concurrent.atomic.AtomicBoolean();

        Subscriber(Response response, Callback done, Optional<String> service) {
            this.response = response;
            this.done = done;
            this.service = service;
        }

        void send(String text) {
            boolean overflow = false;
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (writing) {
                    if (pending.length() + text.length() <= MAX_PENDING_CHARS) {
                        pending.append(text);
                        return;
                    }
                    overflow = true;
                } else {
                    writing = true;
                }
            }
            if (overflow) {
                fail(new EOFException(
                        "the page read too slowly: more than " + MAX_PENDING_CHARS + " characters waited"));
                return;
            }
            write(text);
        }

        private void write(String text) {
            response.write(
                    false,
                    ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)),
                    Callback.from(this::written, this::fail));
        }

        private void written() {
            String next;
            synchronized (this) {
                if (closed || pending.isEmpty()) {
                    writing = false;
                    return;
                }
                next = pending.toString();
                pending.setLength(0);
            }
            write(next);
        }

        void fail(Throwable cause) {
            synchronized (this) {
                closed = true;
                pending.setLength(0);
            }
            subscribers.remove(this);
            if (finished.compareAndSet(false, true)) {
                done.failed(cause);
            }
        }
    }
}
