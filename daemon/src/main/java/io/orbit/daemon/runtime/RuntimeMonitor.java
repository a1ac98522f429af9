package io.orbit.daemon.runtime;

import io.orbit.engine.lifecycle.Managed;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.http.EngineSocketDiscovery;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows whether the engine answers and what it can do. A dead socket is not fatal: the daemon keeps running, says
 * why and how to fix it every time the state changes, and checks again every 10 s — every second while the engine is
 * unreachable, so its return is noticed at once: then every service's back-off is forgotten and each is reconciled
 * ({@link ReconcileQueue#retryAllNow}), so a container removed during the outage is replaced within seconds.
 *
 * <p>The first look runs in the background, beside the configuration load and the first reconcile: libpod's info
 * takes 200–400 ms, a fifth of the daemon's start-up if it were waited for. Readers of {@link #state()} wait for that
 * first look instead. Once connected, the periodic check is a ping; the full info is asked again only after the
 * engine was unreachable (it may have been restarted with other settings).
 */
public final class RuntimeMonitor implements Managed {

    private static final Logger log = LoggerFactory.getLogger(RuntimeMonitor.class);
    private static final Duration FIRST_CHECK_WAIT = Duration.ofSeconds(10);

    /** How often the engine is looked at while it answers, and while it does not. */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);

    static final Duration OUTAGE_CHECK_INTERVAL = Duration.ofSeconds(1);

    /**
     * The engine as last seen: its info, or why it could not be reached and since when.
     *
     * @param unreachableSince when the engine was first found unreachable (empty while it answers, and before the first
     *     look)
     */
    public record EngineState(
            Optional<EngineInfo> info,
            Optional<String> error,
            List<String> limitations,
            Optional<Instant> unreachableSince) {

        public EngineState(Optional<EngineInfo> info, Optional<String> error, List<String> limitations) {
            this(info, error, limitations, Optional.empty());
        }

        /** "engine unreachable since 2026-…Z: cannot reach …", or empty while the engine answers. */
        public Optional<String> outage() {
            if (info.isPresent() || unreachableSince.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of("engine unreachable since " + unreachableSince.get() + ": " + error.orElse("no answer"));
        }
    }

    private final ContainerRuntime runtime;
    private final EngineSocketDiscovery.Discovered socket;
    private final ReconcileQueue queue;
    private final InstantSource clock;
    private volatile EngineState state = new EngineState(Optional.empty(), Optional.of("not checked yet"), List.of());
    private final CountDownLatch firstCheck = new CountDownLatch(1);
    private volatile boolean started;
    private volatile long lastCheckNanos;
    /** The engine's info as last read: shown again as soon as a ping says the engine is back. */
    private volatile Optional<EngineInfo> lastInfo = Optional.empty();

    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("orbit-runtime-check").factory());

    /**
     * @param queue whose back-offs are forgotten when the engine returns (every pass failed for the same reason)
     */
    @Inject
    RuntimeMonitor(
            ContainerRuntime runtime,
            EngineSocketDiscovery.Discovered socket,
            ReconcileQueue queue,
            InstantSource clock) {
        this.runtime = runtime;
        this.socket = socket;
        this.queue = queue;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "runtime monitor";
    }

    @Override
    public void start() {
        started = true;
        checks.execute(() -> {
            try {
                check();
            } finally {
                firstCheck.countDown();
            }
        });
        checks.scheduleWithFixedDelay(
                this::tick, OUTAGE_CHECK_INTERVAL.toMillis(), OUTAGE_CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every second: a check when the engine is unreachable, else every {@link #CHECK_INTERVAL}. */
    private void tick() {
        long now = System.nanoTime();
        if (state.info().isEmpty() || now - lastCheckNanos >= CHECK_INTERVAL.toNanos()) {
            try {
                check();
            } catch (RuntimeException e) {
                // a throwing task is never run again: the engine's return would go unnoticed
                log.atWarn().log("engine check failed: " + e);
            }
        }
    }

    /** The engine socket the daemon opened (for /healthz: the CLI follows the running daemon's engine). */
    public java.nio.file.Path socket() {
        return socket.socket();
    }

    /** The engine as last seen; right after start, once the first look is done (waits at most 10 s for it). */
    public EngineState state() {
        if (started && firstCheck.getCount() > 0) {
            try {
                firstCheck.await(FIRST_CHECK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return state;
    }

    /** The engine as last seen, without waiting for the first look (for a loop that must not block). */
    public EngineState lastSeen() {
        return state;
    }

    void check() {
        lastCheckNanos = System.nanoTime();
        EngineState previous = state;
        if (previous.info().isPresent()) {
            try {
                runtime.ping();
                return;
            } catch (ContainerRuntimeException e) {
                // gone: the full check below records why and logs it once
            }
        }
        try {
            if (previous.unreachableSince().isPresent()) {
                // The cheap ping first: libpod's info takes seconds on a busy host, and healing should not wait for it.
                runtime.ping();
                Instant since = previous.unreachableSince().get();
                // Reachable again at once (/healthz, STATUS) with what was known of the engine; the info below
                // refreshes it.
                lastInfo.ifPresent(
                        known -> state = new EngineState(Optional.of(known), Optional.empty(), limitations(known)));
                int released = queue.retryAllNow();
                log.atInfo()
                        .addKeyValue(
                                "outage",
                                Duration.between(since, clock.instant()).toString())
                        .addKeyValue("servicesRetried", released)
                        .log("the container engine is back after being unreachable since " + since
                                + ": every service is reconciled now");
            }
            EngineInfo info = runtime.info();
            EngineState next = new EngineState(Optional.of(info), Optional.empty(), limitations(info));
            state = next;
            lastInfo = Optional.of(info);
            if (previous.info().isEmpty()) {
                log.atInfo()
                        .addKeyValue("engine", info.engine())
                        .addKeyValue("version", info.version())
                        .addKeyValue("rootless", info.rootless())
                        .addKeyValue("cgroupVersion", info.cgroupVersion())
                        .addKeyValue("endpoint", info.endpoint())
                        .addKeyValue("socketSource", socket.source())
                        .log("connected to the container engine");
                next.limitations().forEach(limitation -> log.atWarn().log(limitation));
            }
        } catch (ContainerRuntimeException e) {
            String reason = Objects.requireNonNullElse(e.getMessage(), e.toString());
            Instant since = previous.unreachableSince().orElseGet(clock::instant);
            state = new EngineState(Optional.empty(), Optional.of(reason), List.of(), Optional.of(since));
            if (previous.error().isEmpty() || !previous.error().get().equals(reason)) {
                log.atError().addKeyValue("tried", socket.tried()).log(reason);
            }
        }
    }

    static List<String> limitations(EngineInfo info) {
        List<String> limitations = new ArrayList<>();
        String where = "%s %s%s on cgroup v%d"
                .formatted(info.rootless() ? "rootless" : "rootful", info.engine(), "", info.cgroupVersion());
        if (!info.supports(EngineInfo.Capability.RESOURCE_LIMITS)) {
            limitations.add("memory_limit and cpu_limit are not enforced by " + where
                    + " (the engine drops them silently); use cgroup v2 with delegation, or a rootful engine");
        }
        if (!info.supports(EngineInfo.Capability.STATS)) {
            limitations.add("container CPU and memory stats are unavailable on " + where
                    + "; autoscaling will use the proxy's latency and concurrency signals only");
        }
        if (!info.supports(EngineInfo.Capability.CONTAINER_IP_REACHABLE)) {
            limitations.add("container IPs are not reachable from the host on " + where
                    + "; the proxy uses the containers' published 127.0.0.1 ports");
        }
        return List.copyOf(limitations);
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
