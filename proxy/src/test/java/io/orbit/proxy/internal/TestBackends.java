package io.orbit.proxy.internal;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orbit.engine.routing.Backend;
import io.orbit.engine.routing.Route;
import io.orbit.proxy.ProxyOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/** Small builders for backend states, and a listener over them, in unit tests. */
final class TestBackends {

    private TestBackends() {}

    static BackendState up(String id) {
        BackendState backend = starting(id);
        backend.health().record(true);
        return backend;
    }

    static BackendState starting(String id) {
        return new BackendState(
                new Backend(id, "pod-" + id, "127.0.0.1", 10_000 + Math.abs(id.hashCode() % 1000)),
                new HealthTracker(3, 2),
                8);
    }

    static void load(BackendState backend, int inFlight) {
        for (int i = 0; i < inFlight; i++) {
            backend.requestStarted();
        }
    }

    /** A listener (not started) of service "web" on node port 30080 over these backends, with a TCP health check. */
    static PortListener listener(ProxyOptions options, ProxyBuffers buffers, BackendState... backends) {
        Route route = new Route(
                "web",
                30080,
                80,
                List.of(),
                new Route.HealthCheck(
                        Optional.empty(),
                        200,
                        399,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        1,
                        1),
                Optional.empty());
        RouteState state = new RouteState(
                route,
                List.of(backends),
                Balancer.of(options.loadBalancing()),
                null,
                new RetryBudget(0.2, 10, 1, System::nanoTime),
                new OutlierDetector(5, 1_000_000_000L, 10_000_000_000L, 50, System::nanoTime),
                new RouteMetrics(new SimpleMeterRegistry(), "web", 30080, List::of));
        return new PortListener(
                new Server(), new QueuedThreadPool(), new ScheduledExecutorScheduler(), options, buffers, 0, state);
    }
}
