package io.orbit.runtime.docker.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.EngineInfo.Capability;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.http.EngineResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /version} and {@code GET /info}, mapped to {@link EngineInfo}. Rootful Docker can do everything the port
 * knows of; rootless Docker's network namespace hides container IPs from the host, and on cgroup v1 it has no
 * controllers to delegate, so limits and stats go too.
 */
public final class EngineInfoMapping {

    private EngineInfoMapping() {}

    public static EngineInfo engineInfo(
            Target target, EngineResponse versionResponse, EngineResponse infoResponse, String endpoint) {
        Version version = DockerApi.decode(target, versionResponse, Version.class);
        Info info = DockerApi.decode(target, infoResponse, Info.class);
        boolean rootless = info.securityOptions() != null
                && info.securityOptions().stream().anyMatch(option -> option.contains("name=rootless"));
        int cgroupVersion = "2".equals(info.cgroupVersion()) ? 2 : 1;
        return new EngineInfo(
                "docker",
                version.version(),
                DockerApi.API_VERSION,
                rootless,
                cgroupVersion,
                capabilities(rootless, cgroupVersion, info),
                endpoint);
    }

    static Set<Capability> capabilities(boolean rootless, int cgroupVersion, Info info) {
        Set<Capability> capabilities = EnumSet.of(Capability.OOM_DETECTION, Capability.ENGINE_HEALTH_CHECKS);
        boolean cgroupsDelegated = !(rootless && cgroupVersion == 1);
        // dockerd reports what its cgroup setup enforces; it drops limits it cannot apply (with a warning).
        if (cgroupsDelegated && info.memoryLimit() && info.cpuCfsQuota()) {
            capabilities.add(Capability.RESOURCE_LIMITS);
        }
        if (cgroupsDelegated) {
            capabilities.add(Capability.STATS);
        }
        if (!rootless) {
            capabilities.add(Capability.CONTAINER_IP_REACHABLE);
        }
        return capabilities;
    }

    record Version(
            @JsonProperty("Version") String version,
            @JsonProperty("ApiVersion") String apiVersion) {}

    record Info(
            @JsonProperty("CgroupVersion") @Nullable String cgroupVersion,
            @JsonProperty("SecurityOptions") @Nullable List<String> securityOptions,
            @JsonProperty("MemoryLimit") boolean memoryLimit,
            @JsonProperty("CpuCfsQuota") boolean cpuCfsQuota) {}
}
