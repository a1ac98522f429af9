package io.orbit.runtime.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ContainerEvent;
import io.orbit.runtime.ContainerEvent.Type;
import io.orbit.runtime.http.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A recorded event stream: a container with a health check (create, start, exec probes, health_status, kill, die,
 * destroy), then one OOM-killed by a 16 MiB limit (create, start, oom, die, destroy).
 */
class DockerEventsTest {

    private static List<ContainerEvent> recordedEvents() throws IOException {
        Iterator<JsonNode> stream = Json.objects(new ByteArrayInputStream(Recorded.bytes("events.json")));
        List<ContainerEvent> events = new ArrayList<>();
        stream.forEachRemaining(event -> DockerEvents.parse(event).ifPresent(events::add));
        return events;
    }

    @Test
    void modelledActionsBecomeEventsAndExecAndKillAreSkipped() throws IOException {
        assertThat(recordedEvents())
                .extracting(ContainerEvent::type)
                .containsExactly(
                        Type.CREATE,
                        Type.START,
                        Type.HEALTH_STATUS,
                        Type.DIE,
                        Type.REMOVE,
                        Type.CREATE,
                        Type.START,
                        Type.OOM,
                        Type.DIE,
                        Type.REMOVE);
    }

    @Test
    void dieCarriesTheExitCodeAndOthersDoNot() throws IOException {
        List<ContainerEvent> events = recordedEvents();

        assertThat(events.get(3).exitCode()).hasValue(137);
        assertThat(events.get(1).exitCode()).isEqualTo(OptionalInt.empty());
    }

    @Test
    void theHealthStatusComesOutOfTheActionString() throws IOException {
        ContainerEvent health = recordedEvents().get(2);

        assertThat(health.healthStatus()).isEqualTo("healthy");
        assertThat(health.containerName()).isEqualTo("orbit-rec-run");
    }

    @Test
    void labelsAreTheAttributesWithoutDockersOwn() throws IOException {
        ContainerEvent start = recordedEvents().get(1);

        assertThat(start.containerId()).isEqualTo("cf4b1f4fcc91eaab7d9969e441e5265a735d9c6d71df8a6a15e52d053d11c8ef");
        assertThat(start.labels())
                .containsEntry("io.orbit.service", "web")
                .doesNotContainKeys("name", "image", "exitCode", "signal", "execID");
    }

    @Test
    void theTimeHasNanosecondPrecision() throws IOException {
        assertThat(recordedEvents().getFirst().time()).isEqualTo(Instant.ofEpochSecond(1795655058L, 277329611L));
    }

    @Test
    void nonContainerEventsAreSkipped() throws IOException {
        JsonNode network = Json.MAPPER.readTree(
                "{\"Type\":\"network\",\"Action\":\"create\",\"Actor\":{\"ID\":\"n1\",\"Attributes\":{\"name\":\"x\"}}}");

        assertThat(DockerEvents.parse(network)).isEmpty();
    }
}
