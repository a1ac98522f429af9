package io.orbit.engine.health;

import java.time.Duration;

/** What health reports to metrics; the daemon implements it with Micrometer. */
public interface HealthMetrics {

    HealthMetrics NONE = new HealthMetrics() {};

    /** One probe ran. */
    default void probed(String service, String kind, boolean passed, Duration took) {}

    /** A container's health state changed. */
    default void transition(String service, HealthState to) {}

    /** A container was restarted or a pod replaced by health; {@code cause} e.g. exited, oom, liveness, startup. */
    default void restarted(String service, String cause) {}

    /** A slot entered a crash loop. */
    default void crashLoop(String service) {}

    /** A container was OOM-killed; {@code inferred} when the engine could not say so (Podman on cgroup v1). */
    default void oomKilled(String service, boolean inferred) {}
}
