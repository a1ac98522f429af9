package io.orbit.engine.routing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the proxy does on one node port.
 *
 * @param backends the pods' backends for this port; the proxy's own health checks decide which are ready
 * @param healthCheck how the proxy probes backends
 * @param shedding CoDel latency measurement, when the service has a {@code codel} block; it sheds only when the block
 *     sets {@code overload_status_code}
 */
public record Route(
        String service,
        int nodePort,
        int containerPort,
        List<Backend> backends,
        HealthCheck healthCheck,
        Optional<Shedding> shedding) {

    public Route {
        requireNonNull(service, "service is null");
        backends = List.copyOf(backends);
        requireNonNull(healthCheck, "healthCheck is null");
        requireNonNull(shedding, "shedding is null");
    }

    /**
     * Active health checking of backends: TCP connect, or an HTTP GET of {@code httpPath} expecting a status in
     * [{@code expectedStatusFrom}, {@code expectedStatusTo}].
     */
    public record HealthCheck(
            Optional<String> httpPath,
            int expectedStatusFrom,
            int expectedStatusTo,
            Duration interval,
            Duration startingInterval,
            Duration timeout,
            int fall,
            int rise) {

        /** DESIGN-NOTES §3: TCP, 2 s while starting, 10 s steady, 1 s timeout, fall 3 / rise 2. */
        public static final HealthCheck DEFAULT_TCP = new HealthCheck(
                Optional.empty(), 200, 399, Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(1), 3, 2);

        public HealthCheck {
            requireNonNull(httpPath, "httpPath is null");
            requireNonNull(interval, "interval is null");
            requireNonNull(startingInterval, "startingInterval is null");
            requireNonNull(timeout, "timeout is null");
        }
    }

    /**
     * CoDel (ORBIT-REFERENCE §5.7, §10.4): shed with {@code statusCode} while latency stays above target, or only
     * measure latency ({@link #MEASURE_ONLY}).
     */
    public record Shedding(Duration target, Duration interval, int statusCode) {

        /** The status code of a route that measures latency for the autoscaler but sheds nothing. */
        public static final int MEASURE_ONLY = 0;

        public Shedding {
            requireNonNull(target, "target is null");
            requireNonNull(interval, "interval is null");
        }
    }
}
