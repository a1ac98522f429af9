package io.orbit.proxy.internal;

import io.orbit.engine.routing.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks: one probe chain per backend (never two probes of one backend at once, no lock shared between
 * backends). A probe is a TCP connect, or an HTTP/1.1 GET whose status must fall in the expected range; it runs on a
 * virtual thread, the single scheduler thread only times the next one. Probes come every {@code startingInterval}
 * while a backend is not UP, every {@code interval} once it is.
 */
public final class HealthChecker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("orbit-proxy-health").daemon().factory());
    private final Map<BackendState, Probe> probes = new ConcurrentHashMap<>();
    private final Consumer<BackendState> onReady;

    /** @param onReady told (on a probe's thread) when a backend's probe took it to UP: held requests may go */
    public HealthChecker(Consumer<BackendState> onReady) {
        this.onReady = onReady;
    }

    /** Starts probing {@code backend} now, or updates the check of an already probed backend. */
    public void watch(BackendState backend, String service, Route.HealthCheck check) {
        Probe existing = probes.get(backend);
        if (existing != null) {
            existing.check = check;
            return;
        }
        Probe probe = new Probe(backend, service, check);
        probes.put(backend, probe);
        schedule(probe, 0);
    }

    public void unwatch(BackendState backend) {
        Probe probe = probes.remove(backend);
        if (probe != null) {
            probe.cancelled = true;
        }
    }

    private void schedule(Probe probe, long delayMillis) {
        if (probe.cancelled || timer.isShutdown()) {
            return;
        }
        try {
            timer.schedule(
                    () -> Thread.ofVirtual().name("orbit-probe").start(probe::run), delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    @Override
    public void close() {
        probes.values().forEach(probe -> probe.cancelled = true);
        probes.clear();
        timer.shutdownNow();
    }

    private final class Probe {
        private final BackendState backend;
        private final String service;
        private volatile Route.HealthCheck check;
        private volatile boolean cancelled;

        Probe(BackendState backend, String service, Route.HealthCheck check) {
            this.backend = backend;
            this.service = service;
            this.check = check;
        }

        void run() {
            if (cancelled) {
                return;
            }
            Route.HealthCheck current = check;
            boolean passed = probe(backend.socketAddress(), backend.backend().address(), current);
            HealthTracker.Status before = backend.health().status();
            HealthTracker.Status after = backend.health().record(passed);
            if (before != after && !cancelled) {
                var event = after == HealthTracker.Status.UP ? log.atInfo() : log.atWarn();
                event.addKeyValue("service", service)
                        .addKeyValue("backend", backend.id())
                        .addKeyValue("address", backend.backend().address())
                        .addKeyValue("from", before)
                        .addKeyValue("to", after)
                        .log(after == HealthTracker.Status.UP ? "Backend ready" : "Backend failed its health checks");
                if (after == HealthTracker.Status.DOWN) {
                    backend.closeIdleConnections();
                } else if (after == HealthTracker.Status.UP) {
                    onReady.accept(backend);
                }
            }
            Route.HealthCheck next = check;
            long delay = after == HealthTracker.Status.UP
                    ? next.interval().toMillis()
                    : next.startingInterval().toMillis();
            schedule(this, Math.max(1, delay));
        }
    }

    /** One probe; false on any failure, including a timeout. */
    static boolean probe(InetSocketAddress address, String hostHeader, Route.HealthCheck check) {
        int timeout =
                (int) Math.max(1, Math.min(Integer.MAX_VALUE, check.timeout().toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(address, timeout);
            if (check.httpPath().isEmpty()) {
                return true;
            }
            socket.setSoTimeout(timeout);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + check.httpPath().get() + " HTTP/1.1\r\nHost: " + hostHeader
                            + "\r\nUser-Agent: orbit-proxy-health\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            int status = readStatus(socket.getInputStream());
            return status >= check.expectedStatusFrom() && status <= check.expectedStatusTo();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The status code of an HTTP/1.x status line, or -1. */
    static int readStatus(InputStream in) throws IOException {
        byte[] line = new byte[256];
        int length = 0;
        while (length < line.length) {
            int b = in.read();
            if (b < 0 || b == '\n') {
                break;
            }
            line[length++] = (byte) b;
        }
        String statusLine = new String(line, 0, length, StandardCharsets.ISO_8859_1);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            return -1;
        }
        try {
            return Integer.parseInt(parts[1].trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
