package io.orbit.runtime.podman.internal;

import static io.orbit.runtime.podman.internal.LibpodJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.EngineInfo.Capability;
import java.util.EnumSet;
import java.util.Set;

/**
 * Maps {@code GET /libpod/info} to {@link EngineInfo}, deciding what really works on this host. The compat {@code
 * /info} claims memory and CPU limits even for rootless cgroup v1, where Podman drops them; libpod's {@code
 * host.security.rootless} and {@code host.cgroupControllers} tell the truth.
 */
public final class PodmanInfo {

    private PodmanInfo() {}

    public static EngineInfo toEngineInfo(JsonNode info, String endpoint) {
        JsonNode host = info.path("host");
        boolean rootless = host.path("security").path("rootless").asBoolean();
        int cgroupVersion = cgroupVersion(text(host, "cgroupVersion"));
        boolean noControllers = host.path("cgroupControllers").isEmpty();
        return new EngineInfo(
                "podman",
                text(info.path("version"), "Version"),
                LibpodClient.API_VERSION,
                rootless,
                cgroupVersion,
                capabilities(rootless, cgroupVersion, noControllers),
                endpoint);
    }

    static Set<Capability> capabilities(boolean rootless, int cgroupVersion, boolean noControllers) {
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        // Rootless Podman on cgroup v1 (or on v2 without delegated controllers) silently drops limits and answers
        // 409 to stats: it has no cgroup of its own to write or read.
        if (!(rootless && (cgroupVersion == 1 || noControllers))) {
            capabilities.add(Capability.RESOURCE_LIMITS);
            capabilities.add(Capability.STATS);
        }
        // Podman 4.3 on cgroup v1 neither sets OOMKilled nor emits an oom event (RUNTIME-FACTS §2, OOM).
        if (cgroupVersion == 2) {
            capabilities.add(Capability.OOM_DETECTION);
        }
        // Rootless containers live in the user's own network namespace; their IPs do not route from the host.
        if (!rootless) {
            capabilities.add(Capability.CONTAINER_IP_REACHABLE);
        }
        // ENGINE_HEALTH_CHECKS never: Podman runs health checks from systemd timers, and orbit does not rely on them.
        return capabilities;
    }

    /** "v1", "v2" (libpod's spelling); anything else is treated as v1, the case with fewer promises. */
    static int cgroupVersion(String version) {
        return version.equals("v2") || version.equals("2") ? 2 : 1;
    }
}
