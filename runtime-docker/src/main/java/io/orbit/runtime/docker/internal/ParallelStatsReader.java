package io.orbit.runtime.docker.internal;

import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ContainerStats;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.docker.internal.StatsSample.CpuCounters;
import io.orbit.runtime.http.EngineResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU and memory of many containers. Docker has no batch endpoint and each stats call waits for its 1 s collector,
 * but the collector is shared, so the calls run in parallel and finish together (10 containers: about 1.1 s, against
 * 10 s one after another; docs/RUNTIME-FACTS.md §2).
 *
 * <p>How CPU is computed: {@code one-shot=true} answers within a second but zeroes {@code precpu_stats}, so CPU is
 * taken against this sampler's previous sample of the same container. A container without a recent previous sample
 * is asked with plain {@code stream=false}, which waits about 2 s but carries {@code precpu_stats}: so even the first
 * call returns real figures, and later ones average over the caller's sampling interval.
 *
 * <p>The pool holds platform threads: junixsocket rounds read timeouts up to about a second on virtual threads, which
 * made 10 parallel calls take 5–6 s instead of 1.1 s. Thread-safe; {@link #close()} stops the pool.
 */
public final class ParallelStatsReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ParallelStatsReader.class);
    /**
     * Each call waits about a second for Docker's shared collector, so all containers are asked at once: threads are
     * created on demand up to this many (a sample of 50 containers then takes ~1 s, not 50/8 s) and die when idle.
     */
    private static final int MAX_THREADS = 64;

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** An older previous sample would turn "CPU now" into an average over minutes; ask for precpu instead. */
    static final Duration MAX_BASELINE_AGE = Duration.ofMinutes(2);

    private final DockerApi api;
    private final InstantSource clock;
    private final ExecutorService pool;
    private final Map<String, Baseline> baselines = new ConcurrentHashMap<>();

    private record Baseline(CpuCounters counters, Instant takenAt) {}

    public ParallelStatsReader(DockerApi api, InstantSource clock) {
        this.api = api;
        this.clock = clock;
        this.pool = new ThreadPoolExecutor(
                0,
                MAX_THREADS,
                30,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                platformThreads(),
                new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** Samples running containers in parallel; gone or not running ones are left out. */
    public List<ContainerStats> sample(Collection<String> containerIds) {
        Instant oldest = clock.instant().minus(MAX_BASELINE_AGE);
        baselines.values().removeIf(baseline -> baseline.takenAt().isBefore(oldest));
        List<Future<Optional<ContainerStats>>> pending = new ArrayList<>();
        for (String id : containerIds.stream().distinct().toList()) {
            pending.add(pool.submit(() -> sampleOne(id)));
        }
        List<ContainerStats> result = new ArrayList<>();
        try {
            for (Future<Optional<ContainerStats>> future : pending) {
                future.get().ifPresent(result::add);
            }
        } catch (InterruptedException e) {
            pending.forEach(future -> future.cancel(true));
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while sampling container stats");
        } catch (ExecutionException e) {
            pending.forEach(future -> future.cancel(true));
            throw e.getCause() instanceof ContainerRuntimeException failure
                    ? failure
                    : new IllegalStateException("sampling container stats failed", e.getCause());
        }
        return result;
    }

    private Optional<ContainerStats> sampleOne(String id) {
        Baseline previous = baselines.get(id);
        String query = previous == null ? "stream=false" : "stream=false&one-shot=true";
        Target target = new Target("read stats of container", ResourceKind.CONTAINER, id);
        EngineResponse response =
                api.exchange("GET", "/containers/" + DockerApi.segment(id) + "/stats?" + query, null, CALL_TIMEOUT);
        if (response.status() == 404 || response.status() == 409) {
            return leftOut(id, "gone"); // removed in the meantime: not an error for a sampler
        }
        Optional<StatsSample> sample = StatsSample.parse(target, DockerErrors.check(target, response));
        if (sample.isEmpty()) {
            return leftOut(id, "not running");
        }
        StatsSample current = sample.get();
        double cpu = current.cpuPercentSince(previous == null ? current.precpu() : previous.counters());
        baselines.put(id, new Baseline(current.cpu(), clock.instant()));
        return Optional.of(
                new ContainerStats(id, cpu, current.memoryUsageBytes(), current.memoryLimitBytes(), current.read()));
    }

    private Optional<ContainerStats> leftOut(String id, String why) {
        baselines.remove(id);
        log.atDebug().addKeyValue("container", id).addKeyValue("reason", why).log("no stats for container");
        return Optional.empty();
    }

    private static ThreadFactory platformThreads() {
        return Thread.ofPlatform().daemon().name("orbit-docker-stats-", 0).factory();
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
