package io.orbit.runtime.podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.runtime.CapabilityUnavailableException;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeContract;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.PortBinding;
import io.orbit.runtime.ResourceLimits;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The port's contract against rootless Podman of the test user, plus what rootless on cgroup v1 takes away: limits
 * and stats, and container IPs reachable from the host (published loopback ports still work).
 */
@Tag("container-engine")
class RootlessPodmanContainerRuntimeIT extends ContainerRuntimeContract {

    @Override
    protected ContainerRuntime createRuntime() {
        return PodmanContainerRuntime.open(EngineSockets.rootlessPodman());
    }

    @Test
    void infoSaysRootless() {
        EngineInfo info = runtime().info();

        assertThat(info.engine()).isEqualTo("podman");
        assertThat(info.rootless()).isTrue();
        assertThat(info.capabilities()).doesNotContain(EngineInfo.Capability.CONTAINER_IP_REACHABLE);
    }

    @Test
    void onCgroupV1LimitsAndStatsAreReportedAbsent() {
        EngineInfo info = runtime().info();
        if (info.cgroupVersion() != 1) {
            return; // a cgroup v2 host with delegated controllers has both
        }

        assertThat(info.capabilities())
                .doesNotContain(
                        EngineInfo.Capability.RESOURCE_LIMITS,
                        EngineInfo.Capability.STATS,
                        EngineInfo.Capability.OOM_DETECTION);
    }

    @Test
    void statsAreUnavailableOnCgroupV1AndLimitsDropped() {
        if (runtime().info().cgroupVersion() != 1) {
            return;
        }
        String id = runtime()
                .createContainer(container("rlstats")
                        .limits(ResourceLimits.of(64L * 1024 * 1024, 0.5))
                        .build());
        runtime().startContainer(id);

        assertThatThrownBy(() -> runtime().stats(List.of(id)))
                .isInstanceOfSatisfying(
                        CapabilityUnavailableException.class,
                        unavailable -> assertThat(unavailable.capability()).isEqualTo(EngineInfo.Capability.STATS));
        assertThat(runtime().inspectContainer(id).limits()).isEqualTo(ResourceLimits.NONE);
    }

    @Test
    void aPortPublishedOnLoopbackAnswersHttpFromTheHost() throws IOException {
        String id = runtime()
                .createContainer(container("rlport")
                        .port(PortBinding.loopbackRandom(HTTP_PORT))
                        .build());
        runtime().startContainer(id);

        ContainerDetails running = await(
                "the published port of " + id,
                () -> runtime().inspectContainer(id),
                details -> details.state() == ContainerState.RUNNING
                        && details.publishedPort(HTTP_PORT).isPresent());
        PortBinding published = running.publishedPort(HTTP_PORT).orElseThrow();

        assertThat(published.hostIp()).isEqualTo("127.0.0.1");
        assertThat(await("HTTP 200 from 127.0.0.1:" + published.hostPort(), () -> statusOf(published), s -> s == 200))
                .isEqualTo(200);
    }

    /** busybox httpd may need a moment after start; a refused connection counts as "not yet". */
    private static int statusOf(PortBinding published) {
        try {
            return httpGetStatus("127.0.0.1", published.hostPort());
        } catch (IOException notYet) {
            return -1;
        }
    }
}
