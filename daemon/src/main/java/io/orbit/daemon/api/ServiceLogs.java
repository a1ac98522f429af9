package io.orbit.daemon.api;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /services/{name}/logs?tail=N&follow=BOOLEAN}: the output of every container of the service's pods, as
 * JSON lines ({@code {"pod":0,"container":"main","stream":"stdout","time":"…","text":"…"}}, and {@code {"notice":
 * "…"}} for what the reader should know, e.g. lines dropped).
 *
 * <p>{@code tail} applies per container (default {@value #DEFAULT_TAIL}; {@code all} for everything). Without follow
 * the lines of all containers are merged by time. With follow the lines are written as they come; containers that
 * start meanwhile (a scale-up, a restart) are followed from their first line; a blank line every {@code 10 s} keeps
 * a quiet connection alive. Each followed container holds one connection to the engine, so the daemon follows at
 * most {@value #MAX_FOLLOWED_CONTAINERS} containers at once, leaving the rest of the engine client's pool to the
 * reconciler.
 */
final class ServiceLogs {

    static final int DEFAULT_TAIL = 100;
    static final int MAX_FOLLOWED_CONTAINERS = 16;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REFRESH = Duration.ofSeconds(2);
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final int QUEUE_CAPACITY = 10_000;
    private static final int BATCH = 512;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the JSON lines go: a blocking write; {@code flush} sends what is buffered now. */
    interface Sink {
        void write(String text, boolean flush) throws IOException;
    }

    /** What the request asked for. */
    record Query(int tail, boolean follow) {}

    /** One container of the service, named for the reader by pod number and container name. */
    record Source(int pod, String container, String containerId) {}

    private record Entry(Source source, LogLine line) {}

    private final StatusStore status;
    private final ContainerRuntime runtime;
    private final ReadEndpoints reads;
    private final Semaphore followBudget = new Semaphore(MAX_FOLLOWED_CONTAINERS);
    private volatile boolean stopping;

    @Inject
    ServiceLogs(StatusStore status, ContainerRuntime runtime, ReadEndpoints reads) {
        this.status = status;
        this.runtime = runtime;
        this.reads = reads;
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

    private void readAll(List<Source> sources, int tail, Sink sink) throws IOException, InterruptedException {
        List<Entry> entries = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        for (Source source : sources) {
            List<LogLine> lines = new CopyOnWriteArrayList<>();
            try (LogStream stream = open(source, tail, false, lines::add)) {
                if (!stream.awaitEnd(READ_TIMEOUT)) {
                    notices.add("the logs of %s took longer than %d s; showing what came"
                            .formatted(name(source), READ_TIMEOUT.toSeconds()));
                }
                stream.failure().ifPresent(failure -> notices.add(name(source) + ": " + failure.getMessage()));
            } catch (NotFoundException gone) {
                continue; // removed since the last pass
            }
            lines.forEach(line -> entries.add(new Entry(source, line)));
        }
        entries.sort(Comparator.comparing(entry -> entry.line().time()));
        StringBuilder chunk = new StringBuilder();
        for (Entry entry : entries) {
            chunk.append(json(entry)).append('\n');
            if (chunk.length() > 64 * 1024) {
                sink.write(chunk.toString(), false);
                chunk.setLength(0);
            }
        }
        for (String notice : notices) {
            chunk.append(notice(notice));
        }
        sink.write(chunk.toString(), true);
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
                    batch.forEach(entry -> chunk.append(json(entry)).append('\n'));
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
                        chunk.append(notice(engineDown.getMessage()));
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

    private static String json(Entry entry) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("pod", entry.source().pod());
        view.put("container", entry.source().container());
        view.put("stream", entry.line().stream().name().toLowerCase(Locale.ROOT));
        view.put("time", entry.line().time().toString());
        view.put("text", entry.line().text());
        return write(view);
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
