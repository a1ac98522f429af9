package io.orbit.runtime.podman;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeContract;
import io.orbit.runtime.ContainerStats;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.ExecResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The port's contract against rootful Podman, plus what only rootful Podman promises. */
@Tag("container-engine")
class PodmanContainerRuntimeIT extends ContainerRuntimeContract {

    @Override
    protected ContainerRuntime createRuntime() {
        return PodmanContainerRuntime.open(EngineSockets.podman());
    }

    @Test
    void rootfulPodmanOnCgroupV1AppliesLimitsAndReachesContainerIpsButCannotSeeOomKills() {
        EngineInfo info = runtime().info();

        assertThat(info.engine()).isEqualTo("podman");
        assertThat(info.rootless()).isFalse();
        assertThat(info.endpoint()).isEqualTo("unix://" + EngineSockets.podman());
        assertThat(info.capabilities())
                .contains(
                        EngineInfo.Capability.RESOURCE_LIMITS,
                        EngineInfo.Capability.STATS,
                        EngineInfo.Capability.CONTAINER_IP_REACHABLE)
                .doesNotContain(EngineInfo.Capability.ENGINE_HEALTH_CHECKS);
        if (info.cgroupVersion() == 1) {
            assertThat(info.capabilities()).doesNotContain(EngineInfo.Capability.OOM_DETECTION);
        }
    }

    @Test
    void statsLeaveOutAContainerThatIsGoneThoughLibpodFailsTheWholeCallForIt() {
        String running = runtime().createContainer(container("stay").build());
        runtime().startContainer(running);
        String gone = runtime().createContainer(container("gone").build());
        runtime().removeContainer(gone);

        assertThat(runtime().stats(List.of(running, gone)))
                .extracting(ContainerStats::containerId)
                .containsExactly(running);
        assertThat(runtime().stats(List.of(gone))).isEmpty();
    }

    @Test
    void anExecThatOutlivesItsTimeoutEndsWith124() {
        String id = runtime()
                .createContainer(container("slowexec").command(SLEEP_FOREVER).build());
        runtime().startContainer(id);

        long started = System.nanoTime();
        ExecResult result = runtime().exec(id, List.of("sleep", "30"), Duration.ofSeconds(1));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(result.exitCode()).isEqualTo(124);
        assertThat(result.stderr()).contains("timed out");
    }
}
