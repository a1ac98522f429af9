package io.orbit.engine.autoscale;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.support.PeriodicTask;
import io.orbit.runtime.CapabilityUnavailableException;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ContainerStats;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples CPU and memory of every running container on one fixed cadence, in one {@link ContainerRuntime#stats}
 * call per tick for all services (libpod's multi-container stats; the Docker adapter fans out in parallel). One owner
 * for the cadence also fixes Orbit's shared CPU-delta store, where whichever caller sampled last set the window
 * (§5.3). Keeps the last sample per container and forgets containers no longer listed.
 *
 * <p>Rootless Podman on cgroup v1 has no stats: the sampler says so once (WARN) and through {@link #unavailable()},
 * and the autoscaler then runs on the proxy's signals alone. Other runtime failures are logged and the previous
 * samples kept. Thread-safe; {@link #tick} may be called directly (tests) as well as by the {@code orbit-stats}
 * thread.
 */
public final class StatsSampler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatsSampler.class);

    private final ContainerRuntime runtime;
    private final Supplier<? extends Collection<String>> containerIds;
    private final Map<String, ContainerStats> latest = new ConcurrentHashMap<>();
    /** True while a tick runs: single flight without a lock, so nothing ever waits behind a slow stats call. */
    private final AtomicBoolean ticking = new AtomicBoolean();

    private volatile @Nullable String unavailableReason;
    /** Calls {@link #tick()} on the {@code orbit-stats} thread, the first time as soon as it starts. */
    private final PeriodicTask ticker;

    /**
     * @param containerIds the running containers of all autoscaled services, read at every tick
     * @param cadence time between two samples (DESIGN-NOTES §4: 10 s for CPU/memory)
     */
    public StatsSampler(
            ContainerRuntime runtime, Supplier<? extends Collection<String>> containerIds, Duration cadence) {
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.containerIds = requireNonNull(containerIds, "containerIds is null");
        requireNonNull(cadence, "cadence is null");
        if (cadence.isNegative() || cadence.isZero()) {
            throw new IllegalArgumentException("cadence must be positive, got " + cadence);
        }
        this.ticker = PeriodicTask.runFirstImmediately("orbit-stats", cadence, this::tick);
    }

    /** Starts sampling on a daemon thread named {@code orbit-stats}, the first sample at once. */
    public synchronized void start() {
        if (ticker.started()) {
            throw new IllegalStateException("stats sampler already started");
        }
        ticker.start();
    }

    /**
     * One sampling pass: one stats call for every listed container. Returns at once when another pass is running
     * (no lock is held across the runtime call).
     */
    public void tick() {
        if (!ticking.compareAndSet(false, true)) {
            return;
        }
        try {
            Set<String> ids = Set.copyOf(containerIds.get());
            latest.keySet().retainAll(ids);
            if (ids.isEmpty()) {
                return;
            }
            List<ContainerStats> stats;
            try {
                stats = runtime.stats(ids);
            } catch (CapabilityUnavailableException e) {
                if (unavailableReason == null) {
                    log.atWarn()
                            .addKeyValue("capability", e.capability())
                            .log("container stats are unavailable on this host (" + e.getMessage()
                                    + "); autoscaling uses only the proxy's latency and concurrency signals");
                }
                unavailableReason = e.getMessage();
                latest.clear();
                return;
            } catch (ContainerRuntimeException e) {
                log.atWarn()
                        .addKeyValue("containers", ids.size())
                        .log("stats sample failed, keeping the previous samples: " + e.getMessage());
                return;
            }
            if (unavailableReason != null) {
                log.atInfo().log("container stats are available again");
                unavailableReason = null;
            }
            stats.forEach(sample -> latest.put(sample.containerId(), sample));
        } finally {
            ticking.set(false);
        }
    }

    /** The last sample of a container, if it has one. */
    public Optional<ContainerStats> latest(String containerId) {
        return Optional.ofNullable(latest.get(containerId));
    }

    /** The last sample of every container that has one. */
    public Map<String, ContainerStats> latest() {
        return Map.copyOf(latest);
    }

    /** Why stats are unavailable on this host, for {@code /status}; empty while they work. */
    public Optional<String> unavailable() {
        return Optional.ofNullable(unavailableReason);
    }

    public boolean available() {
        return unavailableReason == null;
    }

    @Override
    public synchronized void close() {
        ticker.close();
    }
}
