package io.orbit.runtime.podman.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.EngineInfo.Capability;
import org.junit.jupiter.api.Test;

class PodmanInfoTest {

    @Test
    void rootfulOnCgroupV1LimitsAndStatsWorkButOomKillsAreInvisible() {
        EngineInfo info =
                PodmanInfo.toEngineInfo(RecordedResponses.load("info-rootful.json"), "unix:///run/podman/podman.sock");

        assertThat(info)
                .isEqualTo(new EngineInfo(
                        "podman",
                        "4.3.1",
                        "4.0.0",
                        false,
                        1,
                        java.util.Set.of(
                                Capability.RESOURCE_LIMITS, Capability.STATS, Capability.CONTAINER_IP_REACHABLE),
                        "unix:///run/podman/podman.sock"));
    }

    @Test
    void rootlessOnCgroupV1CanDoNoneOfIt() {
        EngineInfo info = PodmanInfo.toEngineInfo(
                RecordedResponses.load("info-rootless.json"), "unix:///run/user/1001/podman/podman.sock");

        assertThat(info.rootless()).isTrue();
        assertThat(info.cgroupVersion()).isEqualTo(1);
        assertThat(info.version()).isEqualTo("4.3.1");
        assertThat(info.capabilities()).isEmpty();
    }

    @Test
    void cgroupV2DetectsOomKills() {
        ObjectNode info = RecordedResponses.loadEditable("info-rootful.json");
        ((ObjectNode) info.path("host")).put("cgroupVersion", "v2");

        assertThat(PodmanInfo.toEngineInfo(info, "unix:///x").capabilities()).contains(Capability.OOM_DETECTION);
    }

    @Test
    void capabilityTable() {
        assertThat(PodmanInfo.capabilities(false, 1, false))
                .containsExactlyInAnyOrder(
                        Capability.RESOURCE_LIMITS, Capability.STATS, Capability.CONTAINER_IP_REACHABLE);
        assertThat(PodmanInfo.capabilities(false, 2, false))
                .containsExactlyInAnyOrder(
                        Capability.RESOURCE_LIMITS,
                        Capability.STATS,
                        Capability.CONTAINER_IP_REACHABLE,
                        Capability.OOM_DETECTION);
        assertThat(PodmanInfo.capabilities(true, 1, true)).isEmpty();
        assertThat(PodmanInfo.capabilities(true, 2, true))
                .as("rootless cgroup v2 without delegated controllers cannot limit either")
                .containsExactly(Capability.OOM_DETECTION);
        assertThat(PodmanInfo.capabilities(true, 2, false))
                .containsExactlyInAnyOrder(Capability.RESOURCE_LIMITS, Capability.STATS, Capability.OOM_DETECTION);
    }
}
