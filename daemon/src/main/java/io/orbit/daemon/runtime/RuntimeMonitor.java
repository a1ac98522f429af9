package io.orbit.daemon.runtime;

import io.orbit.engine.lifecycle.Managed;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.http.EngineSocketDiscovery;
import jakarta.inject.Inject;
import java.time.Duration;
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
 * why and how to fix it every time the state changes, and checks again every 10 s.
 *
 * <p>The first look runs in the background, beside the configuration load and the first reconcile: libpod's info
 * takes 200–400 ms, a fifth of the daemon's start-up if it were waited for. Readers of {@link #state()} wait for that
 * first look instead. Once connected, the periodic check is a ping; the full info is asked again only after the
 * engine was unreachable (it may have been restarted with other settings).
 */
public final class RuntimeMonitor implements Managed {

    private static final Logger log = LoggerFactory.getLogger(RuntimeMonitor.class);
    private static final Duration FIRST_CHECK_WAIT = Duration.ofSeconds(10);

    /** The engine as last seen: its info, or why it could not be reached. */
    public record EngineState(Optional<EngineInfo> info, Optional<String> error, List<String> limitations) {}

    private final ContainerRuntime runtime;
    private final EngineSocketDiscovery.Discovered socket;
    private volatile EngineState state = new EngineState(Optional.empty(), Optional.of("not checked yet"), List.of());
    private final CountDownLatch firstCheck = new CountDownLatch(1);
    private volatile boolean started;
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("orbit-runtime-check").factory());

    @Inject
    RuntimeMonitor(ContainerRuntime runtime, EngineSocketDiscovery.Discovered socket) {
        this.runtime = runtime;
        this.socket = socket;
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
        checks.scheduleWithFixedDelay(this::check, 10, 10, TimeUnit.SECONDS);
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

    void check() {
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
            EngineInfo info = runtime.info();
            EngineState next = new EngineState(Optional.of(info), Optional.empty(), limitations(info));
            state = next;
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
            state = new EngineState(Optional.empty(), Optional.of(reason), List.of());
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
