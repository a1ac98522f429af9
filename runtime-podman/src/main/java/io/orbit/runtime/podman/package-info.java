/**
 * The Podman adapter of the container runtime port: {@link io.orbit.runtime.podman.PodmanContainerRuntime} speaks
 * Podman's libpod API (v4) over its Unix socket, rootful or rootless, and reports through {@code info()} what the
 * host cannot do (limits, stats and container IPs on rootless cgroup v1, OOM detection on cgroup v1).
 */
@NullMarked
package io.orbit.runtime.podman;

import org.jspecify.annotations.NullMarked;
