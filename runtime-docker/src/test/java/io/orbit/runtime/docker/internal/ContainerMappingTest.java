package io.orbit.runtime.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.OomStatus;
import io.orbit.runtime.PortBinding;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.ResourceLimits;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * One container recorded through its life (created, running, exited after SIGKILL), on a user network with the
 * alias "web", 8080 published on a random loopback port, 128 MiB and half a CPU; and one OOM-killed container.
 */
class ContainerMappingTest {

    private static final Target TARGET = new Target("inspect container", ResourceKind.CONTAINER, "orbit-rec-web");
    private static final String ID = "226c1783d835469c5e24d6c5c5a7289f990016b3a8cd304b676d1a4790261633";
    private static final String IMAGE_ID = "d11ad66f1196b9cead3f92f6e79701dab559dea579a2f14e018f8f19d2073dba";

    private static ContainerDetails details(String name) {
        return ContainerMapping.details(TARGET, Recorded.ok(name));
    }

    @Test
    void aRunningContainerHasItsAddressItsRandomPortAndNoFinishTime() {
        ContainerDetails running = details("container-inspect-running.json");

        assertThat(running.id()).isEqualTo(ID);
        assertThat(running.name()).isEqualTo("orbit-rec-web");
        assertThat(running.image()).isEqualTo("localhost/orbit-fixture:latest");
        assertThat(running.imageId()).isEqualTo(IMAGE_ID);
        assertThat(running.state()).isEqualTo(ContainerState.RUNNING);
        assertThat(running.exitCode()).isZero();
        assertThat(running.oom()).isEqualTo(OomStatus.NOT_KILLED);
        assertThat(running.error()).isEmpty();
        assertThat(running.pid()).as("State.Pid").isEqualTo(7820);
        assertThat(running.labels()).containsEntry("io.orbit.service", "web").containsEntry("io.orbit.pod", "web-1");
        assertThat(running.networkAddresses()).containsExactly(java.util.Map.entry("orbit-rec-net", "172.18.0.2"));
        assertThat(running.publishedPorts())
                .containsExactly(new PortBinding(8080, PortBinding.Protocol.TCP, "127.0.0.1", 32768));
        assertThat(running.startedAt()).hasValue(Instant.parse("2026-11-26T01:03:44.766986434Z"));
        assertThat(running.finishedAt()).isEmpty();
        assertThat(running.limits()).isEqualTo(new ResourceLimits(128L * 1024 * 1024, 500_000_000L));
    }

    @Test
    void aCreatedContainerHasNoTimesNoAddressesAndNoPortsYet() {
        ContainerDetails created = details("container-inspect-created.json");

        assertThat(created.state()).isEqualTo(ContainerState.CREATED);
        assertThat(created.startedAt()).as("Go's zero time means never").isEmpty();
        assertThat(created.finishedAt()).isEmpty();
        assertThat(created.networkAddresses()).as("joined at start").isEmpty();
        assertThat(created.publishedPorts())
                .as("a random port is allocated at start")
                .isEmpty();
        assertThat(created.limits()).isEqualTo(new ResourceLimits(128L * 1024 * 1024, 500_000_000L));
    }

    @Test
    void anExitedContainerKeepsItsExitCodeAndTimesButLosesItsRandomPort() {
        ContainerDetails exited = details("container-inspect-exited.json");

        assertThat(exited.state()).isEqualTo(ContainerState.EXITED);
        assertThat(exited.exitCode()).isEqualTo(137);
        assertThat(exited.oom()).as("137 alone is not an OOM kill").isEqualTo(OomStatus.NOT_KILLED);
        assertThat(exited.startedAt()).hasValue(Instant.parse("2026-11-26T01:03:44.766986434Z"));
        assertThat(exited.finishedAt()).hasValue(Instant.parse("2026-11-26T01:03:49.925631865Z"));
        assertThat(exited.publishedPorts()).isEmpty();
    }

    @Test
    void anOomKilledContainerSaysSo() {
        ContainerDetails oom = details("container-inspect-oom.json");

        assertThat(oom.oom()).isEqualTo(OomStatus.KILLED);
        assertThat(oom.exitCode()).isEqualTo(137);
        assertThat(oom.limits()).isEqualTo(new ResourceLimits(16L * 1024 * 1024, 0));
    }

    @Test
    void listedContainersHaveNamesWithoutTheSlash() {
        assertThat(ContainerMapping.summaries(TARGET, Recorded.ok("containers-list.json")))
                .containsExactly(new ContainerSummary(
                        "7e3d331df047303ce4778159f49c53e11cae90d42d161858b8190c95102becb1",
                        "orbit-rec-c",
                        "localhost/orbit-fixture:latest",
                        ContainerState.CREATED,
                        java.util.Map.of("io.orbit.image.hash", "96bc1e56e0715ebd", "io.orbit.service", "web")));
    }
}
