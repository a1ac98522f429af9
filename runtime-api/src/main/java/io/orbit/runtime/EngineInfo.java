package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * What engine serves the socket and what works on this host.
 *
 * @param engine "podman" or "docker"
 * @param version the engine's version, e.g. {@code 4.3.1}
 * @param apiVersion the API version the adapter speaks to it
 * @param rootless true when the engine runs as an unprivileged user
 * @param cgroupVersion 1 or 2
 * @param capabilities the features that really work here (rootless on cgroup v1 drops limits and stats silently)
 * @param endpoint where the adapter reaches the engine, e.g. {@code unix:///run/podman/podman.sock}
 */
public record EngineInfo(
        String engine,
        String version,
        String apiVersion,
        boolean rootless,
        int cgroupVersion,
        Set<Capability> capabilities,
        String endpoint) {

    public EngineInfo {
        requireNonNull(engine, "engine is null");
        requireNonNull(version, "version is null");
        requireNonNull(apiVersion, "apiVersion is null");
        capabilities = Set.copyOf(capabilities);
        requireNonNull(endpoint, "endpoint is null");
    }

    public boolean supports(Capability capability) {
        return capabilities.contains(capability);
    }

    public enum Capability {
        /** Memory and CPU limits are applied (not silently dropped). */
        RESOURCE_LIMITS,
        /** {@link ContainerRuntime#stats} returns real figures. */
        STATS,
        /** The engine reports OOM kills (inspect and an oom event). */
        OOM_DETECTION,
        /** The engine runs image health checks by itself (Podman needs systemd timers for that). */
        ENGINE_HEALTH_CHECKS,
        /** Container IPs are reachable from the host (not so for rootless networks). */
        CONTAINER_IP_REACHABLE,
        /** Secret objects ({@link ContainerRuntime#hasSecretObjects()}); named in the error of an engine without them. */
        SECRET_OBJECTS
    }
}
