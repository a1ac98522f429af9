/**
 * Health checks that act. The daemon probes containers itself, from the host, so checks behave the same on Docker,
 * rootful Podman and rootless Podman (Podman runs no checks without systemd). A {@link
 * io.orbit.engine.health.ContainerHealth} follows one run of one container through startup and liveness; a {@link
 * io.orbit.engine.health.RestartLedger} remembers restarts per pod slot for back-off and crash loops; the {@link
 * io.orbit.engine.health.HealthMonitor} schedules the probes and tells the reconciler and the proxy what changed. The
 * decisions (restart, replace, wait) stay with the reconciler, which reads a {@link
 * io.orbit.engine.health.PodVerdict} per pod.
 */
@NullMarked
package io.orbit.engine.health;

import org.jspecify.annotations.NullMarked;
