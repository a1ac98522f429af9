package io.orbit.engine.health;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.StatusRange;
import io.orbit.engine.spec.Units;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A container's {@code health_check} block with Orbit's defaults applied (ORBIT-REFERENCE §2.3) and every field
 * honoured, including the ones Orbit ignored ({@code startup_timeout}, {@code tcp_check.period}, {@code
 * tcp_check.failure_threshold}).
 *
 * @param startupTimeout how long a started container may take to pass every probe once (to become ready)
 * @param startupFailureThreshold startup timeouts in a row after which the pod is in a crash loop; 0 skips the startup
 *     phase (the container is ready as soon as it runs, as in Orbit)
 * @param probes every probe must pass; empty when the block declares no check (the container is then ready while it
 *     runs)
 */
public record HealthPolicy(Duration startupTimeout, int startupFailureThreshold, List<ProbeSpec> probes) {

    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_STARTUP_FAILURE_THRESHOLD = 3;
    public static final Duration DEFAULT_LIVENESS_PERIOD = Duration.ofSeconds(10);
    public static final int DEFAULT_LIVENESS_FAILURE_THRESHOLD = 3;
    public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(5);
    public static final String DEFAULT_HTTP_PATH = "/";

    public HealthPolicy {
        requireNonNull(startupTimeout, "startupTimeout is null");
        probes = List.copyOf(probes);
    }

    /** True when a started container must pass its probes before it counts as ready. */
    public boolean hasStartupPhase() {
        return startupFailureThreshold > 0 && !probes.isEmpty();
    }

    /** The policy of a container, empty when it has no {@code health_check} block. Units were validated on load. */
    public static Optional<HealthPolicy> of(ContainerTemplate.@Nullable HealthCheck check) {
        if (check == null) {
            return Optional.empty();
        }
        Duration livenessPeriod = durationOr(check.livenessPeriod(), DEFAULT_LIVENESS_PERIOD);
        int livenessThreshold = valueOr(check.livenessFailureThreshold(), DEFAULT_LIVENESS_FAILURE_THRESHOLD);
        List<ProbeSpec> probes = new ArrayList<>();
        ContainerTemplate.TcpCheck tcp = check.tcpCheck();
        if (tcp != null) {
            probes.add(new ProbeSpec(
                    new Probe.Tcp(tcp.port(), durationOr(tcp.timeout(), DEFAULT_CHECK_TIMEOUT)),
                    durationOr(tcp.period(), livenessPeriod),
                    valueOr(tcp.failureThreshold(), livenessThreshold)));
        }
        ContainerTemplate.HttpCheck http = check.httpCheck();
        if (http != null) {
            probes.add(new ProbeSpec(
                    new Probe.Http(
                            http.port(),
                            http.path() == null ? DEFAULT_HTTP_PATH : http.path(),
                            StatusRange.parse(http.expectedStatus()),
                            durationOr(http.timeout(), DEFAULT_CHECK_TIMEOUT)),
                    durationOr(http.period(), livenessPeriod),
                    valueOr(http.failureThreshold(), livenessThreshold)));
        }
        ContainerTemplate.ExecCheck exec = check.execCheck();
        if (exec != null) {
            probes.add(new ProbeSpec(
                    new Probe.Exec(exec.command(), durationOr(exec.timeout(), DEFAULT_CHECK_TIMEOUT)),
                    durationOr(exec.period(), livenessPeriod),
                    valueOr(exec.failureThreshold(), livenessThreshold)));
        }
        return Optional.of(new HealthPolicy(
                durationOr(check.startupTimeout(), DEFAULT_STARTUP_TIMEOUT),
                valueOr(check.startupFailureThreshold(), DEFAULT_STARTUP_FAILURE_THRESHOLD),
                probes));
    }

    /**
     * {@link #of} through one bounded cache shared by the whole engine: the same policy for every equal {@code
     * health_check} block, parsed once, for callers that need it per status change, route publish, pod start or
     * reconcile pass. Thread-safe.
     */
    public static Optional<HealthPolicy> cachedOf(ContainerTemplate.@Nullable HealthCheck check) {
        return HealthPolicyCache.SHARED.policy(check);
    }

    /** The container ports the host must reach to probe (to publish on loopback where container IPs are unreachable). */
    public List<Integer> probedPorts() {
        List<Integer> ports = new ArrayList<>();
        for (ProbeSpec spec : probes) {
            switch (spec.probe()) {
                case Probe.Tcp tcp -> ports.add(tcp.port());
                case Probe.Http http -> ports.add(http.port());
                case Probe.Exec exec -> {
                    // runs inside the container
                }
            }
        }
        return ports;
    }

    private static Duration durationOr(@Nullable String value, Duration fallback) {
        return value == null ? fallback : Units.duration(value);
    }

    private static int valueOr(@Nullable Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
