package io.orbit.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orbit.engine.reconcile.ReconcileMetrics;
import io.orbit.engine.reload.ConfigReloader;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's meters. Orbit's two gauges named {@code *_total} lose the suffix: Prometheus reserves it for
 * counters and its client strips it from gauges. Orbit's other names are kept and finally filled ({@code orbit_config_reloads_total} and {@code
 * orbit_service_instances} were never updated by Orbit); ours follow Micrometer naming. Tags are bounded: service
 * names come from the config, never pod or container ids.
 *
 * <pre>
 *   orbit_services                        gauge    services with status (Orbit: orbit_services_total)
 *   orbit_instances                       gauge    pods, as Orbit counts (Orbit: orbit_instances_total)
 *   orbit_service_instances{service}      gauge    running pods per service
 *   orbit_config_reloads_total{result}    counter
 *   orbit_config_problems{severity}       gauge    problems in the last load
 *   orbit_reconcile_seconds{result}       timer    one pass of one service
 *   orbit_reconcile_errors_total{service} counter  failed passes
 *   orbit_pod_starts_total{service}       counter
 *   orbit_pod_removals_total{service}     counter
 * </pre>
 */
public final class EngineMetrics implements ReconcileMetrics, ConfigReloader.Listener {

    private final MeterRegistry registry;
    private final StatusStore status;
    private final Map<String, AtomicLong> serviceInstances = new ConcurrentHashMap<>();
    private final Map<String, Gauge> serviceInstanceGauges = new ConcurrentHashMap<>();
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger warnings = new AtomicInteger();

    EngineMetrics(MeterRegistry registry, StatusStore status) {
        this.registry = registry;
        this.status = status;
        Gauge.builder("orbit.services", status, s -> s.services().size())
                .description("Services the daemon manages")
                .register(registry);
        Gauge.builder(
                        "orbit.instances.total",
                        status,
                        s -> s.services().values().stream()
                                .mapToLong(service -> service.pods().size())
                                .sum())
                .description("Pods of all services")
                .register(registry);
        Gauge.builder("orbit.config.problems", errors, AtomicInteger::get)
                .tag("severity", "error")
                .register(registry);
        Gauge.builder("orbit.config.problems", warnings, AtomicInteger::get)
                .tag("severity", "warning")
                .register(registry);
        Counter.builder("orbit.requests")
                .description("Requests proxied to a backend")
                .register(registry);
    }

    @Override
    public void passFinished(String service, Optional<String> error, Duration duration) {
        boolean succeeded = error.isEmpty();
        Timer.builder("orbit.reconcile")
                .description("One reconcile pass of one service")
                .tag("result", succeeded ? "success" : "failure")
                .register(registry)
                .record(duration);
        if (!succeeded) {
            Counter.builder("orbit.reconcile.errors")
                    .tag("service", service)
                    .register(registry)
                    .increment();
        }
        refreshServiceInstances();
    }

    @Override
    public void podStarted(String service, String podId, String reason) {
        Counter.builder("orbit.pod.starts")
                .tag("service", service)
                .register(registry)
                .increment();
    }

    @Override
    public void podRemoved(String service, String podId, String reason) {
        Counter.builder("orbit.pod.removals")
                .tag("service", service)
                .register(registry)
                .increment();
    }

    @Override
    public void reloaded(boolean succeeded, List<SpecProblem> problems) {
        Counter.builder("orbit.config.reloads")
                .description("Loads of the config directory")
                .tag("result", succeeded ? "success" : "failure")
                .register(registry)
                .increment();
        errors.set((int) problems.stream().filter(SpecProblem::isError).count());
        warnings.set(
                (int) problems.stream().filter(problem -> !problem.isError()).count());
    }

    /** One gauge per service; a deleted service's gauge is removed so it stops reporting. */
    private synchronized void refreshServiceInstances() {
        Map<String, ServiceStatus> services = status.services();
        services.values()
                .forEach(service -> serviceInstances
                        .computeIfAbsent(service.name(), this::registerServiceInstances)
                        .set(service.runningPods()));
        for (String name : List.copyOf(serviceInstances.keySet())) {
            if (!services.containsKey(name)) {
                serviceInstances.remove(name);
                Gauge gauge = serviceInstanceGauges.remove(name);
                if (gauge != null) {
                    registry.remove(gauge);
                }
            }
        }
    }

    private AtomicLong registerServiceInstances(String service) {
        AtomicLong value = new AtomicLong();
        serviceInstanceGauges.put(
                service,
                Gauge.builder("orbit.service.instances", value, AtomicLong::get)
                        .description("Running pods per service")
                        .tag("service", service)
                        .register(registry));
        return value;
    }
}
