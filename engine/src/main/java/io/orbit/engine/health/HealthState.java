package io.orbit.engine.health;

/** The state of one run of one container, with Orbit's names in {@code /status} (ORBIT-REFERENCE §6). */
public enum HealthState {
    /** Started, not yet through every probe once; gets no traffic. */
    STARTING("Starting"),
    /** Passed every probe once and has not failed one {@code failure_threshold} times since: ready for traffic. */
    HEALTHY("Healthy"),
    /** A probe failed {@code failure_threshold} times in a row: out of traffic, its container is restarted. */
    UNHEALTHY("Unhealthy"),
    /** Not ready within {@code startup_timeout}: the pod is replaced. */
    FAILED("Failed");

    private final String orbitName;

    HealthState(String orbitName) {
        this.orbitName = orbitName;
    }

    /** The name Orbit's {@code health_status.state} uses. */
    public String orbitName() {
        return orbitName;
    }
}
