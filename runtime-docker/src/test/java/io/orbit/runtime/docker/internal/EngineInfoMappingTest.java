package io.orbit.runtime.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.EngineInfo.Capability;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.http.EngineResponse;
import io.orbit.runtime.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Recorded {@code /version} and {@code /info} of rootful dockerd 20.10.24 on cgroup v1; rootless edited in. */
class EngineInfoMappingTest {

    private static final Target TARGET = new Target("read engine info", ResourceKind.CONTAINER, "dockerd");
    private static final String ENDPOINT = "unix:///var/run/docker.sock";

    /** Everything but secret objects, which dockerd keeps only in swarm mode (Orbit writes secret files instead). */
    @Test
    void rootfulDockerCanDoEverythingButSecretObjects() {
        EngineInfo info =
                EngineInfoMapping.engineInfo(TARGET, Recorded.ok("version.json"), Recorded.ok("info.json"), ENDPOINT);

        assertThat(info)
                .isEqualTo(new EngineInfo(
                        "docker",
                        "20.10.24+dfsg1",
                        "1.41",
                        false,
                        1,
                        EnumSet.complementOf(EnumSet.of(Capability.SECRET_OBJECTS)),
                        ENDPOINT));
    }

    @Test
    void rootlessDockerOnCgroupV1HasNoLimitsNoStatsAndNoReachableContainerIps() {
        EngineInfo info = EngineInfoMapping.engineInfo(
                TARGET,
                Recorded.ok("version.json"),
                info("1", "name=seccomp,profile=default", "name=rootless"),
                ENDPOINT);

        assertThat(info.rootless()).isTrue();
        assertThat(info.capabilities())
                .containsExactlyInAnyOrder(Capability.OOM_DETECTION, Capability.ENGINE_HEALTH_CHECKS);
    }

    @Test
    void rootlessDockerOnCgroupV2KeepsLimitsAndStats() {
        EngineInfo info = EngineInfoMapping.engineInfo(
                TARGET,
                Recorded.ok("version.json"),
                info("2", "name=seccomp,profile=default", "name=rootless"),
                ENDPOINT);

        assertThat(info.cgroupVersion()).isEqualTo(2);
        assertThat(info.capabilities())
                .contains(Capability.RESOURCE_LIMITS, Capability.STATS)
                .doesNotContain(Capability.CONTAINER_IP_REACHABLE);
    }

    @Test
    void aDaemonThatCannotEnforceMemoryLimitsDoesNotClaimThem() throws Exception {
        ObjectNode info = (ObjectNode) Json.MAPPER.readTree(Recorded.bytes("info.json"));
        info.put("MemoryLimit", false);

        EngineInfo mapped = EngineInfoMapping.engineInfo(
                TARGET,
                Recorded.ok("version.json"),
                new EngineResponse(200, Json.MAPPER.writeValueAsBytes(info)),
                ENDPOINT);

        assertThat(mapped.capabilities())
                .doesNotContain(Capability.RESOURCE_LIMITS)
                .contains(Capability.STATS);
    }

    private static EngineResponse info(String cgroupVersion, String... securityOptions) {
        try {
            ObjectNode info = (ObjectNode) Json.MAPPER.readTree(Recorded.bytes("info.json"));
            info.put("CgroupVersion", cgroupVersion);
            ArrayNode options = info.putArray("SecurityOptions");
            for (String option : securityOptions) {
                options.add(option);
            }
            return new EngineResponse(200, Json.MAPPER.writeValueAsBytes(info));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
