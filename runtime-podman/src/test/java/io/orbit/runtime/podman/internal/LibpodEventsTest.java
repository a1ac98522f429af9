package io.orbit.runtime.podman.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.runtime.ContainerEvent;
import io.orbit.runtime.LabelSelector;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LibpodEventsTest {

    private static final String ID = "243590c36b5edde7f5802c2fb5cfc9eba1910fc4c0444d6cdaf14b8a9aebbc6b";
    private static final LabelSelector SELECTOR = LabelSelector.of("io.orbit.x", "1");

    @Test
    void diedIsDieWithTheExitCodeAndOnlyTheContainersLabels() {
        ContainerEvent die = LibpodEvents.parse(RecordedResponses.load("event-died.json"), SELECTOR)
                .orElseThrow();

        assertThat(die)
                .isEqualTo(new ContainerEvent(
                        ContainerEvent.Type.DIE,
                        ID,
                        "probe-ev",
                        Map.of("io.orbit.image.hash", "96bc1e56e0715ebd", "io.orbit.x", "1", "other", "y"),
                        OptionalInt.of(5),
                        "",
                        Instant.ofEpochSecond(0, 1_795_655_094_512_360_421L)));
    }

    @Test
    void startCarriesNoExitCode() {
        ContainerEvent start = LibpodEvents.parse(RecordedResponses.load("event-start.json"), SELECTOR)
                .orElseThrow();

        assertThat(start.type()).isEqualTo(ContainerEvent.Type.START);
        assertThat(start.exitCode()).isEmpty();
        assertThat(start.containerName()).isEqualTo("probe-ev");
    }

    @Test
    void labelsAreAndedHereBecauseLibpodOrsThem() {
        LabelSelector both = LabelSelector.of("io.orbit.x", "1", "io.orbit.missing", "z");

        assertThat(LibpodEvents.parse(RecordedResponses.load("event-died.json"), both))
                .isEmpty();
    }

    @Test
    void actionsThePortDoesNotModelAreSkipped() {
        ObjectNode cleanup = RecordedResponses.loadEditable("event-died.json").put("Action", "cleanup");

        assertThat(LibpodEvents.parse(cleanup, SELECTOR)).isEmpty();
    }

    @Test
    void healthStatusComesFromTheTopLevelField() {
        ObjectNode health = RecordedResponses.loadEditable("event-start.json")
                .put("Action", "health_status")
                .put("HealthStatus", "unhealthy");

        ContainerEvent event = LibpodEvents.parse(health, SELECTOR).orElseThrow();

        assertThat(event.type()).isEqualTo(ContainerEvent.Type.HEALTH_STATUS);
        assertThat(event.healthStatus()).isEqualTo("unhealthy");
    }

    @Test
    void theStreamAsksForContainerEventsOfThePortsTypesAndTheLabels() {
        String path = LibpodEvents.path(LabelSelector.of("b", "2", "a", "1"));

        assertThat(path).startsWith("/events?stream=true&filters=");
        String filters = URLDecoder.decode(path.substring(path.indexOf("filters=") + 8), StandardCharsets.UTF_8);
        assertThat(filters)
                .contains("\"type\":[\"container\"]")
                .contains("\"label\":[\"a=1\",\"b=2\"]")
                .contains("\"died\"");
    }
}
