package io.orbit.runtime.docker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ContainerEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Docker's container events, mapped to {@link ContainerEvent}. An event looks like {@code
 * {Type,Action,Actor{ID,Attributes{name,image,exitCode,<labels>}},time,timeNano}}; the health status travels inside
 * the action ("health_status: unhealthy"). Exec, kill, attach and the like are not modelled and are skipped.
 */
public final class DockerEvents {

    private static final String HEALTH_PREFIX = "health_status: ";

    /**
     * Attributes Docker adds next to the labels. A label of the same key is shadowed by Docker's attribute, so it
     * cannot be told apart; orbit's labels are namespaced ({@code io.orbit.…}) and never collide.
     */
    private static final Set<String> ENGINE_ATTRIBUTES = Set.of("name", "image", "exitCode", "signal", "execID");

    private DockerEvents() {}

    /** The port's event for one engine event, or empty for events the port does not model. */
    public static Optional<ContainerEvent> parse(JsonNode event) {
        if (!"container".equals(event.path("Type").asText("container"))) {
            return Optional.empty();
        }
        String action = event.path("Action").asText("");
        Optional<ContainerEvent.Type> type = type(action);
        if (type.isEmpty()) {
            return Optional.empty();
        }
        JsonNode attributes = event.path("Actor").path("Attributes");
        OptionalInt exitCode = type.get() == ContainerEvent.Type.DIE
                ? exitCode(attributes.path("exitCode").asText(""))
                : OptionalInt.empty();
        String healthStatus = type.get() == ContainerEvent.Type.HEALTH_STATUS
                ? action.substring(HEALTH_PREFIX.length()).strip()
                : "";
        return Optional.of(new ContainerEvent(
                type.get(),
                event.path("Actor").path("ID").asText(event.path("id").asText("")),
                attributes.path("name").asText(""),
                labels(attributes),
                exitCode,
                healthStatus,
                time(event)));
    }

    private static Optional<ContainerEvent.Type> type(String action) {
        if (action.startsWith(HEALTH_PREFIX)) {
            return Optional.of(ContainerEvent.Type.HEALTH_STATUS);
        }
        return switch (action) {
            case "create" -> Optional.of(ContainerEvent.Type.CREATE);
            case "start" -> Optional.of(ContainerEvent.Type.START);
            case "die" -> Optional.of(ContainerEvent.Type.DIE);
            case "oom" -> Optional.of(ContainerEvent.Type.OOM);
            case "destroy" -> Optional.of(ContainerEvent.Type.REMOVE);
            default -> Optional.empty();
        };
    }

    /** Docker writes the exit code as a string attribute ("137"). */
    private static OptionalInt exitCode(String attribute) {
        try {
            return OptionalInt.of(Integer.parseInt(attribute));
        } catch (NumberFormatException notANumber) {
            return OptionalInt.empty();
        }
    }

    private static Map<String, String> labels(JsonNode attributes) {
        Map<String, String> labels = new LinkedHashMap<>();
        attributes.properties().forEach(attribute -> {
            if (!ENGINE_ATTRIBUTES.contains(attribute.getKey())) {
                labels.put(attribute.getKey(), attribute.getValue().asText());
            }
        });
        return labels;
    }

    private static Instant time(JsonNode event) {
        JsonNode nanos = event.path("timeNano");
        if (nanos.canConvertToLong()) {
            long value = nanos.asLong();
            return Instant.ofEpochSecond(value / 1_000_000_000L, value % 1_000_000_000L);
        }
        return Instant.ofEpochSecond(event.path("time").asLong(0));
    }
}
