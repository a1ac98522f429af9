package io.orbit.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orbit.engine.health.HealthMetrics;
import io.orbit.engine.health.HealthState;
import java.time.Duration;
import java.util.Locale;

/**
 * Health in Prometheus: {@code orbit_health_probes_total{service,kind,result}} and their duration, {@code
 * orbit_health_transitions_total{service,state}}, {@code orbit_container_restarts_total{service,cause}}, {@code
 * orbit_crashloops_total{service}} and {@code orbit_container_oom_kills_total{service,source}}.
 */
final class HealthMeters implements HealthMetrics {

    private final MeterRegistry registry;

    HealthMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void probed(String service, String kind, boolean passed, Duration took) {
        Counter.builder("orbit.health.probes")
                .description("Health probes run from the host")
                .tags("service", service, "kind", kind, "result", passed ? "pass" : "fail")
                .register(registry)
                .increment();
        Timer.builder("orbit.health.probe.duration")
                .tags("service", service, "kind", kind)
                .register(registry)
                .record(took);
    }

    @Override
    public void transition(String service, HealthState to) {
        Counter.builder("orbit.health.transitions")
                .description("Container health state changes")
                .tags("service", service, "state", to.orbitName().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
    }

    @Override
    public void restarted(String service, String cause) {
        Counter.builder("orbit.container.restarts")
                .description("Containers restarted or pods replaced by health, by cause")
                .tags("service", service, "cause", cause)
                .register(registry)
                .increment();
    }

    @Override
    public void crashLoop(String service) {
        Counter.builder("orbit.crashloops")
                .description("Pod slots that entered the CrashLoop state")
                .tag("service", service)
                .register(registry)
                .increment();
    }

    @Override
    public void oomKilled(String service, boolean inferred) {
        Counter.builder("orbit.container.oom.kills")
                .description("Containers the kernel OOM-killed (source: engine, or inferred where it cannot tell)")
                .tags("service", service, "source", inferred ? "inferred" : "engine")
                .register(registry)
                .increment();
    }
}
