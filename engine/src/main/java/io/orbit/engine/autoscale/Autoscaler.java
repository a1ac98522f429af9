package io.orbit.engine.autoscale;

import static java.util.Objects.requireNonNull;

import java.time.InstantSource;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The autoscalers of all services, keyed by service name. The daemon calls {@link #reload} with the policies of the
 * valid services after every config change (a changed policy updates its service's autoscaler, a removed service
 * loses its state, Orbit kept CoDel windows forever, §5.7), and {@link #decide} once per tick and service.
 *
 * <p>Thread-safe.
 */
public final class Autoscaler {

    private final InstantSource clock;
    private final Map<String, ServiceAutoscaler> services = new ConcurrentHashMap<>();

    public Autoscaler(InstantSource clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Makes the set of autoscalers match {@code policies}: adds new services, updates changed ones, drops the rest. */
    public void reload(Collection<AutoscalePolicy> policies) {
        Set<String> names = policies.stream().map(AutoscalePolicy::service).collect(Collectors.toSet());
        services.keySet().retainAll(names);
        policies.forEach(this::update);
    }

    /** Adds the service's autoscaler, or hands it the new policy (its windows and history are kept). */
    public void update(AutoscalePolicy policy) {
        requireNonNull(policy, "policy is null");
        services.compute(policy.service(), (name, existing) -> {
            if (existing == null) {
                return new ServiceAutoscaler(policy, clock);
            }
            existing.update(policy);
            return existing;
        });
    }

    /** Forgets a removed service. */
    public void remove(String service) {
        services.remove(service);
    }

    /** The decision for this tick; empty when the service has no autoscaler (unknown or removed). */
    public Optional<ScalingDecision> decide(ServiceLoad load) {
        return Optional.ofNullable(services.get(load.service())).map(autoscaler -> autoscaler.decide(load));
    }

    public Optional<ServiceAutoscaler> service(String name) {
        return Optional.ofNullable(services.get(name));
    }

    public Set<String> services() {
        return Set.copyOf(services.keySet());
    }
}
