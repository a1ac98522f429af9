package io.orbit.daemon.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.LogLine;
import io.orbit.runtime.LogListener;
import io.orbit.runtime.LogStream;
import io.orbit.runtime.NotFoundException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /services/{name}/logs?tail=N&follow=BOOLEAN}: the output of every container of the service's pods, as
 * JSON lines ({@code {"pod":0,"container":"main","stream":"stdout","time":"…","text":"…"}}, and {@code {"notice":
 * "…"}} for what the reader should know, e.g. lines dropped).
 *
 * <p>{@code tail} applies per container (default {@value #DEFAULT_TAIL}; {@code all} for everything). Without follow
 * the lines of all containers are merged by time and streamed as the engine delivers them (a few hundred lines per
 * container in memory, whatever the size of the logs), at most {@value #MAX_ANSWER_BYTES} bytes per answer: a longer
 * answer ends with the notice {@code truncated: …}. Reads use at most {@value #MAX_READ_CONTAINERS} engine
 * connections at once (503 beyond), follows their own {@value #MAX_FOLLOWED_CONTAINERS}. With follow the lines are written as they come; containers that
 * start meanwhile (a scale-up, a restart) are followed from their first line; a blank line every {@code 10 s} keeps
 * a quiet connection alive. Each followed container holds one connection to the engine, so the daemon follows at
 * most {@value #MAX_FOLLOWED_CONTAINERS} containers at once, leaving the rest of the engine client's pool to the
 * reconciler.
 *
 * <p>Longer than 300 lines: one reader for both answers (merged by time, and followed), sharing its bounded queues and its limit on engine connections.
 */
final class ServiceLogs {

    static final int DEFAULT_TAIL = 100;
    static final int MAX_FOLLOWED_CONTAINERS = 16;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REFRESH = Duration.ofSeconds(2);
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final int QUEUE_CAPACITY = 10_000;
    /** The lines waiting per container in a read (not a follow): what a read holds in memory per container. */
    private static final int READ_QUEUE = 256;
    /** The containers whose logs are read at once by plain reads, besides the follows: engine connections. */
    static final int MAX_READ_CONTAINERS = 8;
    /** The most one read (not a follow) answers: the rest is cut off with a notice. */
    static final long MAX_ANSWER_BYTES = 16L * 1024 * 1024;

    private static final int BATCH = 512;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    /** Where the JSON lines go: a blocking write; {@code flush} sends what is buffered now. */
    interface Sink {
        void write(String text, boolean flush) throws IOException;
    }

    /** What the request asked for. */
    record Query(int tail, boolean follow) {}

    /** One container of the service, named for the reader by pod number and container name. */
    record Source(int pod, String container, String containerId) {}

    record Entry(Source source, LogLine line) {}

    private final StatusStore status;
    private final ContainerRuntime runtime;
    private final ReadEndpoints reads;
    private final Semaphore followBudget = new Semaphore(MAX_FOLLOWED_CONTAINERS);
    private final Semaphore readBudget = new Semaphore(MAX_READ_CONTAINERS);
    private final long maxAnswerBytes;
    private volatile boolean stopping;

    @Inject
    ServiceLogs(StatusStore status, ContainerRuntime runtime, ReadEndpoints reads) {
        this(status, runtime, reads, MAX_ANSWER_BYTES);
    }

    /** @param maxAnswerBytes the limit of a read's answer (a test's small one) */
    ServiceLogs(StatusStore status, ContainerRuntime runtime, ReadEndpoints reads, long maxAnswerBytes) {
        this.status = status;
        this.runtime = runtime;
        this.reads = reads;
        this.maxAnswerBytes = maxAnswerBytes;
    }

    static Query query(Optional<String> tail, Optional<String> follow) {
        return new Query(
                tail.map(ServiceLogs::tail).orElse(DEFAULT_TAIL),
                follow.map(ServiceLogs::flag).orElse(false));
    }

    private static int tail(String value) {
        if (value.equals("all") || value.equals("-1")) {
            return ContainerRuntime.ALL_LINES;
        }
        try {
            int tail = Integer.parseInt(value);
            if (tail >= 0) {
                return tail;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw ApiException.badRequest(
                "'tail' must be a number of lines (0 or more) or 'all', got '" + value + "'",
                "e.g. /services/web/logs?tail=50");
    }

    private static boolean flag(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "" -> true;
            case "false", "0", "no" -> false;
            default ->
                throw ApiException.badRequest(
                        "'follow' must be true or false, got '" + value + "'", "e.g. /services/web/logs?follow=true");
        };
    }

    /**
     * The service's containers, by pod number and container name.
     *
     * @throws ApiException 404 for a service the daemon does not know
     */
    List<Source> sources(String service) {
        ServiceStatus observed = status.services().get(service);
        if (observed == null) {
            throw reads.unknownService(service);
        }
        List<Source> sources = new ArrayList<>();
        for (PodStatus pod : observed.pods()) {
            for (ContainerStatus container : pod.containers()) {
                sources.add(new Source(pod.podNumber(), container.containerName(), container.id()));
            }
        }
        sources.sort(Comparator.comparingInt(Source::pod).thenComparing(Source::container));
        return sources;
    }

    /**
     * Writes the service's logs. Errors found before anything is written are thrown as {@link ApiException}; after
     * that, problems become notices in the stream.
     */
    void write(String service, Query query, Sink sink) throws IOException, InterruptedException {
        List<Source> sources = sources(service);
        if (query.follow()) {
            follow(service, sources, query.tail(), sink);
        } else {
            readAll(sources, query.tail(), sink);
        }
    }

    /**
     * Streams the sources' lines merged by time, holding at most {@value #READ_QUEUE} lines per container: each
     * container's reader blocks (and with it the engine's answer) until the merge takes its lines, so the memory used
     * does not depend on the size of the logs. Stops after {@link #maxAnswerBytes} with a notice saying so.
     */
    private void readAll(List<Source> sources, int tail, Sink sink) throws IOException, InterruptedException {
        int reading = Math.min(sources.size(), MAX_READ_CONTAINERS);
        if (!readBudget.tryAcquire(reading)) {
            throw new ApiException(
                    503,
                    "too many log reads at once (the daemon reads the logs of at most %d containers at once)"
                            .formatted(MAX_READ_CONTAINERS),
                    "ask again in a moment, or ask for fewer lines (tail=N)");
        }
        List<String> notices = new ArrayList<>();
        if (sources.size() > reading) {
            notices.add("showing %d of %d containers: the daemon reads at most %d at once"
                    .formatted(reading, sources.size(), MAX_READ_CONTAINERS));
        }
        List<SourceReader> readers = new ArrayList<>();
        try {
            for (Source source : sources.subList(0, reading)) {
                SourceReader reader = new SourceReader(source);
                try {
                    reader.stream = open(source, tail, false, reader);
                    readers.add(reader);
                } catch (NotFoundException gone) {
                    // removed since the last pass
                }
            }
            Answer answer = new Answer(sink, maxAnswerBytes);
            while (!stopping) {
                SourceReader next = null;
                LogLine nextHead = null;
                for (SourceReader reader : readers) {
                    LogLine head = reader.head(notices);
                    if (head != null && (nextHead == null || head.time().isBefore(nextHead.time()))) {
                        next = reader;
                        nextHead = head;
                    }
                }
                if (next == null) {
                    break;
                }
                if (!answer.add(new Entry(next.source, next.take()))) {
                    notices.add(("truncated: this answer stops at %s, the daemon's limit for one log answer;"
                                    + " ask for the most recent lines with tail=N, or follow")
                            .formatted(
                                    maxAnswerBytes % (1024 * 1024) == 0
                                            ? maxAnswerBytes / (1024 * 1024) + " MiB"
                                            : maxAnswerBytes + " bytes"));
                    break;
                }
            }
            if (stopping) {
                notices.add("the daemon is stopping; the answer ends here");
            }
            StringBuilder tailNotices = new StringBuilder();
            notices.forEach(notice -> tailNotices.append(notice(notice)));
            answer.finish(tailNotices.toString());
        } finally {
            readers.forEach(SourceReader::close);
            readBudget.release(reading);
        }
    }

    /**
     * One container's lines on their way from the engine's reader thread to the merge, through a small queue: the
     * reader thread waits while the queue is full (the engine's answer then waits in the socket), until the merge
     * takes a line or the reader is closed.
     */
    private static final class SourceReader implements LogListener {

        private final Source source;
        private final BlockingQueue<LogLine> queue = new ArrayBlockingQueue<>(READ_QUEUE);
        private volatile boolean closed;
        private @Nullable LogStream stream;
        private @Nullable LogLine head;
        private boolean exhausted;

        SourceReader(Source source) {
            this.source = source;
        }

        @Override
        public void onLine(LogLine line) {
            try {
                while (!closed) {
                    if (queue.offer(line, 100, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
            } catch (InterruptedException closing) {
                Thread.currentThread().interrupt();
            }
        }

        /** The next line, waiting for it; null once the stream has ended (or stalled: then with a notice). */
        @Nullable
        LogLine head(List<String> notices) throws InterruptedException {
            if (head != null || exhausted) {
                return head;
            }
            LogStream stream = requireNonNull(this.stream, "the stream is opened before it is read");
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (head == null) {
                head = queue.poll(50, TimeUnit.MILLISECONDS);
                if (head != null) {
                    break;
                }
                if (stream.isEnded()) {
                    head = queue.poll(); // a last line offered just before the end
                    if (head == null) {
                        exhausted = true;
                        stream.failure().ifPresent(failure -> notices.add(name(source) + ": " + failure.getMessage()));
                        return null;
                    }
                } else if (System.nanoTime() > deadline) {
                    exhausted = true;
                    notices.add("the logs of %s stalled for %d s; showing what came"
                            .formatted(name(source), READ_TIMEOUT.toSeconds()));
                    close();
                    return null;
                }
            }
            return head;
        }

        LogLine take() {
            LogLine line = requireNonNull(head, "take() follows a head() that found a line");
            head = null;
            return line;
        }

        void close() {
            closed = true;
            if (stream != null) {
                stream.close();
            }
        }
    }

    /** The JSON lines of one answer, written in chunks of about 64 KiB, within a byte limit. */
    private static final class Answer {

        private final Sink sink;
        private final long limit;
        private final StringBuilder chunk = new StringBuilder();
        private long written;

        Answer(Sink sink, long limit) {
            this.sink = sink;
            this.limit = limit;
        }

        /**
         * Adds the entry's JSON line, formatted straight into the chunk; false (and nothing added) when it would take
         * the answer over the limit.
         */
        boolean add(Entry entry) throws IOException {
            int start = chunk.length();
            appendJson(entry, chunk).append('\n');
            long bytes = utf8Length(chunk, start);
            if (written + bytes > limit) {
                chunk.setLength(start);
                return false;
            }
            written += bytes;
            if (chunk.length() >= 64 * 1024) {
                sink.write(chunk.toString(), false);
                chunk.setLength(0);
            }
            return true;
        }

        void finish(String notices) throws IOException {
            chunk.append(notices);
            sink.write(chunk.toString(), true);
        }

        /** The UTF-8 length of {@code text} from {@code start} to its end. */
        private static long utf8Length(CharSequence text, int start) {
            long bytes = 0;
            for (int i = start; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    bytes++;
                } else if (c < 0x800) {
                    bytes += 2;
                } else if (Character.isHighSurrogate(c)) {
                    bytes += 4;
                    i++;
                } else {
                    bytes += 3;
                }
            }
            return bytes;
        }
    }

    private void follow(String service, List<Source> sources, int tail, Sink sink)
            throws IOException, InterruptedException {
        BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        AtomicLong dropped = new AtomicLong();
        Map<String, LogStream> following = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        try {
            List<String> notices = attach(sources, tail, queue, dropped, following, seen);
            StringBuilder head = new StringBuilder();
            notices.forEach(notice -> head.append(notice(notice)));
            sink.write(head.toString(), true);
            long lastWrite = System.nanoTime();
            long lastRefresh = System.nanoTime();
            while (!stopping) {
                Entry first = queue.poll(250, TimeUnit.MILLISECONDS);
                StringBuilder chunk = new StringBuilder();
                if (first != null) {
                    List<Entry> batch = new ArrayList<>(List.of(first));
                    queue.drainTo(batch, BATCH);
                    batch.forEach(entry -> appendJson(entry, chunk).append('\n'));
                }
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    chunk.append(
                            notice(lost + " line(s) dropped: the client reads more slowly than the containers write"));
                }
                if (System.nanoTime() - lastRefresh > REFRESH.toNanos()) {
                    lastRefresh = System.nanoTime();
                    following.values().removeIf(stream -> {
                        if (stream.isEnded()) {
                            stream.close();
                            followBudget.release();
                            return true;
                        }
                        return false;
                    });
                    List<Source> current = status.services().containsKey(service) ? sources(service) : List.of();
                    try {
                        attach(current, ContainerRuntime.ALL_LINES, queue, dropped, following, seen)
                                .forEach(notice -> chunk.append(notice(notice)));
                    } catch (ApiException engineDown) {
                        chunk.append(notice(Objects.requireNonNullElse(engineDown.getMessage(), "engine down")));
                    }
                }
                if (chunk.isEmpty() && System.nanoTime() - lastWrite > HEARTBEAT.toNanos()) {
                    chunk.append('\n');
                }
                if (!chunk.isEmpty()) {
                    sink.write(chunk.toString(), true);
                    lastWrite = System.nanoTime();
                }
            }
            sink.write(notice("the daemon is stopping; the follow ends here"), true);
        } finally {
            following.values().forEach(LogStream::close);
            followBudget.release(following.size());
        }
    }

    /** Follows the sources not seen before; returns notices for those it cannot follow. */
    private List<String> attach(
            List<Source> sources,
            int tail,
            BlockingQueue<Entry> queue,
            AtomicLong dropped,
            Map<String, LogStream> following,
            Set<String> seen) {
        List<String> notices = new ArrayList<>();
        for (Source source : sources) {
            if (!seen.add(source.containerId())) {
                continue;
            }
            if (!followBudget.tryAcquire()) {
                notices.add("not following %s: the daemon follows at most %d containers at once"
                        .formatted(name(source), MAX_FOLLOWED_CONTAINERS));
                continue;
            }
            try {
                following.put(source.containerId(), open(source, tail, true, line -> {
                    if (!queue.offer(new Entry(source, line))) {
                        dropped.incrementAndGet();
                    }
                }));
            } catch (NotFoundException gone) {
                followBudget.release();
            } catch (RuntimeException e) {
                followBudget.release();
                throw e;
            }
        }
        return notices;
    }

    /** @throws ApiException 503 when the engine cannot be reached */
    private LogStream open(Source source, int tail, boolean follow, LogListener listener) {
        try {
            return runtime.logs(source.containerId(), tail, follow, listener);
        } catch (NotFoundException gone) {
            throw gone;
        } catch (ContainerRuntimeException e) {
            throw new ApiException(
                    503,
                    "cannot read the logs of " + name(source) + ": " + e.getMessage(),
                    "check the engine (orbit doctor), then ask again");
        }
    }

    /** Ends every follow soon (the daemon is stopping). */
    void stop() {
        stopping = true;
    }

    private static String name(Source source) {
        return "pod " + source.pod() + " container " + source.container();
    }

    /**
     * One JSON line, without its line break, as {@code ObjectMapper} would write the same map: written by hand
     * because a read of a large log formats every line, and a map plus a generator per line cost more than the rest.
     */
    static String json(Entry entry) {
        return appendJson(entry, new StringBuilder(entry.line().text().length() + 96))
                .toString();
    }

    /** {@link #json}, appended to {@code line}: a read of a large log formats its lines straight into the answer. */
    static StringBuilder appendJson(Entry entry, StringBuilder line) {
        line.append("{\"pod\":").append(entry.source().pod()).append(",\"container\":\"");
        QUOTE.quoteAsString(entry.source().container(), line);
        line.append("\",\"stream\":\"")
                .append(entry.line().stream().name().toLowerCase(Locale.ROOT))
                .append("\",\"time\":\"")
                .append(entry.line().time())
                .append("\",\"text\":\"");
        QUOTE.quoteAsString(entry.line().text(), line);
        return line.append("\"}");
    }

    private static String notice(String notice) {
        return write(Map.of("notice", notice)) + "\n";
    }

    private static String write(Map<String, Object> view) {
        try {
            return JSON.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serialises", e);
        }
    }
}
