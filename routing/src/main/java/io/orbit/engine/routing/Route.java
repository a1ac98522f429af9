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
 * @param activation present when the service scales from zero (autoscaled, {@code instance_count.min: 0}): while no
 *     backend is ready the proxy holds requests instead of answering 503, and asks the engine for a pod
 */
public record Route(
        String service,
        int nodePort,
        int containerPort,
        List<Backend> backends,
        HealthCheck healthCheck,
        Optional<Shedding> shedding,
        Optional<Activation> activation) {

    public Route {
        requireNonNull(service, "service is null");
        backends = List.copyOf(backends);
        requireNonNull(healthCheck, "healthCheck is null");
        requireNonNull(shedding, "shedding is null");
        requireNonNull(activation, "activation is null");
    }

    /** A route of a service that never scales from zero: no request is held. */
    public Route(
            String service,
            int nodePort,
            int containerPort,
            List<Backend> backends,
            HealthCheck healthCheck,
            Optional<Shedding> shedding) {
        this(service, nodePort, containerPort, backends, healthCheck, shedding, Optional.empty());
    }

    /**
     * Scale from zero ({@code autoscaling.activation_queue}, {@code autoscaling.activation_timeout}): at most {@code
     * queue} requests held per node port while no backend is ready, each for at most {@code timeout}; beyond either
     * the proxy answers 503 with Retry-After.
     */
    public record Activation(int queue, Duration timeout) {

        public static final int DEFAULT_QUEUE = 100;
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
        public static final Activation DEFAULT = new Activation(DEFAULT_QUEUE, DEFAULT_TIMEOUT);

        public Activation {
            requireNonNull(timeout, "timeout is null");
            if (queue < 1) {
                throw new IllegalArgumentException("activation queue must be at least 1, got " + queue);
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("activation timeout must be positive, got " + timeout);
            }
        }
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
