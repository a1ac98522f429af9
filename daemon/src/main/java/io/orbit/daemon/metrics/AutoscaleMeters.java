package io.orbit.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orbit.engine.autoscale.AutoscaleMetrics;
import io.orbit.engine.autoscale.ScalingDecision;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The autoscaler in Prometheus: {@code orbit_autoscaler_desired_replicas{service}} (the count in force),
 * {@code orbit_autoscaler_decisions_total{service,direction,reason}} (every tick's decision, {@code none} included)
 * and {@code orbit_autoscaler_inflight{service}} (the in-flight requests it read, over all node ports; the proxy's
 * {@code orbit_service_inflight{service,node_port}} has them per node port). Gauges go with the service.
 */
final class AutoscaleMeters implements AutoscaleMetrics {

    private final MeterRegistry registry;
    private final Map<String, ServiceGauges> services = new ConcurrentHashMap<>();

    private record ServiceGauges(AtomicInteger desired, AtomicInteger inFlight, List<Gauge> gauges) {}

    AutoscaleMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void decided(ScalingDecision decision) {
        Counter.builder("orbit.autoscaler.decisions")
                .description("Autoscaler decisions, one per tick and service, by direction and reason")
                .tags(
                        "service",
                        decision.service(),
                        "direction",
                        decision.direction().label(),
                        "reason",
                        decision.reason().label())
                .register(registry)
                .increment();
    }

    @Override
    public void observed(String service, int desiredReplicas, int inFlight) {
        ServiceGauges gauges = services.computeIfAbsent(service, this::register);
        gauges.desired().set(desiredReplicas);
        gauges.inFlight().set(inFlight);
    }

    private ServiceGauges register(String service) {
        AtomicInteger desired = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        Gauge desiredGauge = Gauge.builder("orbit.autoscaler.desired.replicas", desired, AtomicInteger::get)
                .description("Replicas the service should run: a pin's, the autoscaler's, or its minimum")
                .tag("service", service)
                .strongReference(true)
                .register(registry);
        Gauge inFlightGauge = Gauge.builder("orbit.autoscaler.inflight", inFlight, AtomicInteger::get)
                .description("Requests in flight at the proxy for the service, as the autoscaler last read them")
                .tag("service", service)
                .strongReference(true)
                .register(registry);
        return new ServiceGauges(desired, inFlight, List.of(desiredGauge, inFlightGauge));
    }

    @Override
    public void forget(String service) {
        ServiceGauges gauges = services.remove(service);
        if (gauges != null) {
            gauges.gauges().forEach(registry::remove);
        }
    }
}
