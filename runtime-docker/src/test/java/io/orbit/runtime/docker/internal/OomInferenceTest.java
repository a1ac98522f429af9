package io.orbit.runtime.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.OomStatus;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.ResourceLimits;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.http.EngineResponse;
import io.orbit.runtime.http.Json;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Recorded event histories ({@code GET /events?since&until&filters={container,event:[start,kill,oom]}}): a container
 * the kernel OOM-killed 30 ms after start while dockerd noticed nothing, one whose OOM Docker saw, and one Docker
 * killed itself.
 */
class OomInferenceTest {

    private static final Target TARGET = new Target("inspect container", ResourceKind.CONTAINER, "oom");

    /** The recorded OOM-killed container as Docker showed it when its monitor missed the kill. */
    private static ContainerDetails missedOom() throws IOException {
        ObjectNode inspect = (ObjectNode) Json.MAPPER.readTree(Recorded.bytes("container-inspect-oom.json"));
        ((ObjectNode) inspect.path("State")).put("OOMKilled", false);
        return ContainerMapping.details(TARGET, new EngineResponse(200, Json.MAPPER.writeValueAsBytes(inspect)));
    }

    @Test
    void anEarlySigkillOfAMemoryLimitedContainerIsWorthChecking() throws IOException {
        assertThat(OomInference.worthChecking(missedOom())).isTrue();
    }

    @Test
    void whatDockerSawOrCouldNotHaveMissedIsNotChecked() throws IOException {
        ContainerDetails missed = missedOom();
        ContainerDetails unlimited = copy(missed, ResourceLimits.NONE);

        assertThat(OomInference.worthChecking(
                        ContainerMapping.details(TARGET, Recorded.ok("container-inspect-oom.json"))))
                .as("Docker saw it")
                .isFalse();
        assertThat(OomInference.worthChecking(unlimited))
                .as("no memory limit, no cgroup OOM kill")
                .isFalse();
        assertThat(OomInference.worthChecking(
                        ContainerMapping.details(TARGET, Recorded.ok("container-inspect-exited.json"))))
                .as("killed 5 s after start, when Docker's OOM monitor was long up")
                .isFalse();
    }

    private static ContainerDetails copy(ContainerDetails details, ResourceLimits limits) {
        return new ContainerDetails(
                details.id(),
                details.name(),
                details.image(),
                details.imageId(),
                details.state(),
                details.exitCode(),
                details.oom(),
                details.error(),
                details.labels(),
                details.networkAddresses(),
                details.publishedPorts(),
                details.startedAt(),
                details.finishedAt(),
                limits);
    }

    @Test
    void aSigkillDockerDidNotSendIsTheOomKiller() {
        assertThat(OomInference.fromHistory(Recorded.bytes("events-history-missed-oom.json")))
                .isEqualTo(OomStatus.KILLED);
    }

    @Test
    void anOomEventInTheHistoryIsAnOomKill() {
        assertThat(OomInference.fromHistory(Recorded.bytes("events-history-oom.json")))
                .isEqualTo(OomStatus.KILLED);
    }

    @Test
    void aKillDockerSentIsNotAnOomKill() {
        assertThat(OomInference.fromHistory(Recorded.bytes("events-history-killed.json")))
                .isEqualTo(OomStatus.NOT_KILLED);
    }

    @Test
    void aHistoryThatNoLongerReachesTheStartKeepsDockersVerdict() {
        assertThat(OomInference.fromHistory(new byte[0])).isEqualTo(OomStatus.NOT_KILLED);
    }

    @Test
    void theHistoryQueryCoversTheRunOfThisContainerOnly() throws IOException {
        String query = OomInference.historyQuery(missedOom(), Instant.parse("2026-11-26T01:05:00.5Z"));

        assertThat(URLDecoder.decode(query, StandardCharsets.UTF_8))
                .startsWith("since=1795655068.005105342&until=1795655100.500000000&filters=")
                .contains("\"container\":[\"8f512eb1214472f129feec140fc74e36554915f9a86e0e844c49ff43fbb346c2\"]")
                .contains("\"event\":[\"start\",\"kill\",\"oom\"]")
                .contains("\"type\":[\"container\"]");
    }
}
