package io.orbit.runtime.podman.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.OomStatus;
import io.orbit.runtime.PortBinding;
import io.orbit.runtime.ResourceLimits;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerRecordsTest {

    private static final String IMAGE_ID = "468deb9e5f6ee034f94875a8e8ed940831423ffa0989853231987a7a97d5de13";

    @Test
    void aRunningContainerWithLimitsAndAPublishedPort() {
        ContainerDetails details =
                ContainerRecords.details(RecordedResponses.load("container-inspect-running.json"), false);

        assertThat(details)
                .isEqualTo(new ContainerDetails(
                        "6bb0fded83d920f500a082f846af45f281a9fb46edad7b036e0449d13fcf0ae2",
                        "probe1",
                        "localhost/orbit-fixture:latest",
                        IMAGE_ID,
                        ContainerState.RUNNING,
                        0,
                        OomStatus.NOT_KILLED,
                        "",
                        Map.of("io.orbit.image.hash", "96bc1e56e0715ebd", "io.orbit.x", "1", "k2", "v2"),
                        Map.of("podman", "10.88.0.3"),
                        java.util.List.of(new PortBinding(8080, PortBinding.Protocol.TCP, "127.0.0.1", 39853)),
                        Optional.of(Instant.parse("2026-11-26T01:04:29.416374717Z")),
                        Optional.empty(),
                        new ResourceLimits(64L * 1024 * 1024, 500_000_000L),
                        10568));
    }

    @Test
    void aCreatedContainerHasNeverStartedAndNoAddress() {
        ContainerDetails details =
                ContainerRecords.details(RecordedResponses.load("container-inspect-created.json"), false);

        assertThat(details.state()).isEqualTo(ContainerState.CREATED);
        assertThat(details.startedAt()).as("0001-01-01 means never").isEmpty();
        assertThat(details.finishedAt()).isEmpty();
        assertThat(details.networkAddresses())
                .as("'podman' is listed with an empty address")
                .isEmpty();
        assertThat(details.limits()).isEqualTo(ResourceLimits.NONE);
    }

    @Test
    void anExitedContainerKeepsItsExitCodeAndTimes() {
        ContainerDetails details =
                ContainerRecords.details(RecordedResponses.load("container-inspect-exited.json"), false);

        assertThat(details.state()).isEqualTo(ContainerState.EXITED);
        assertThat(details.exitCode()).isEqualTo(3);
        assertThat(details.oom()).isEqualTo(OomStatus.NOT_KILLED);
        assertThat(details.startedAt()).contains(Instant.parse("2026-11-26T01:04:48.274336882Z"));
        assertThat(details.finishedAt()).contains(Instant.parse("2026-11-26T01:04:48.279228298Z"));
    }

    @Test
    void rootlessCgroupV1DroppedTheLimitsAndHasNoNetworkAddress() {
        ContainerDetails details =
                ContainerRecords.details(RecordedResponses.load("container-inspect-rootless.json"), false);

        assertThat(details.limits()).isEqualTo(ResourceLimits.NONE);
        assertThat(details.networkAddresses()).isEmpty();
        assertThat(details.pid()).as("State.Pid of the running container").isEqualTo(15486);
        assertThat(details.publishedPort(8080))
                .contains(new PortBinding(8080, PortBinding.Protocol.TCP, "127.0.0.1", 43579));
    }

    @Test
    void exit137IsAnOomKillOnlyWhereTheEngineCanTell() {
        JsonNode killed = exitedWith(137, false);

        assertThat(ContainerRecords.details(killed, false).oom())
                .as("cgroup v1: 137 may be an OOM kill or any SIGKILL")
                .isEqualTo(OomStatus.UNKNOWN);
        assertThat(ContainerRecords.details(killed, true).oom()).isEqualTo(OomStatus.NOT_KILLED);
        assertThat(ContainerRecords.details(exitedWith(137, true), true).oom()).isEqualTo(OomStatus.KILLED);
        assertThat(ContainerRecords.details(exitedWith(1, false), false).oom()).isEqualTo(OomStatus.NOT_KILLED);
    }

    @Test
    void cpuLimitGivenAsQuotaAndPeriodOnly() {
        ObjectNode hostConfig = RecordedResponses.loadEditable("container-inspect-running.json")
                .withObjectProperty("HostConfig")
                .put("NanoCpus", 0)
                .put("CpuQuota", 150_000)
                .put("CpuPeriod", 100_000);

        assertThat(ContainerRecords.limits(hostConfig).nanoCpus()).isEqualTo(1_500_000_000L);
    }

    @Test
    void aListedContainer() {
        JsonNode listed = RecordedResponses.load("containers-list.json").get(0);

        assertThat(ContainerRecords.isPodInfra(listed)).isFalse();
        assertThat(ContainerRecords.summary(listed))
                .isEqualTo(new ContainerSummary(
                        "6bb0fded83d920f500a082f846af45f281a9fb46edad7b036e0449d13fcf0ae2",
                        "probe1",
                        "localhost/orbit-fixture:latest",
                        ContainerState.RUNNING,
                        Map.of("io.orbit.image.hash", "96bc1e56e0715ebd", "io.orbit.x", "1", "k2", "v2")));
    }

    private static JsonNode exitedWith(int exitCode, boolean oomKilled) {
        ObjectNode inspect = RecordedResponses.loadEditable("container-inspect-exited.json");
        inspect.withObjectProperty("State").put("ExitCode", exitCode).put("OOMKilled", oomKilled);
        return inspect;
    }
}
