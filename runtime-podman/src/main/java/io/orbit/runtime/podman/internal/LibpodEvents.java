package io.orbit.runtime.podman.internal;

import static io.orbit.runtime.podman.internal.LibpodJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ContainerEvent;
import io.orbit.runtime.LabelSelector;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** libpod's event stream: the request that follows it, and the mapping of one event to a {@link ContainerEvent}. */
public final class LibpodEvents {

    /** libpod's action words for the events the port models; exec, init and cleanup events are not asked for. */
    private static final Map<String, ContainerEvent.Type> TYPES = Map.of(
            "create", ContainerEvent.Type.CREATE,
            "start", ContainerEvent.Type.START,
            "died", ContainerEvent.Type.DIE,
            "die", ContainerEvent.Type.DIE,
            "oom", ContainerEvent.Type.OOM,
            "health_status", ContainerEvent.Type.HEALTH_STATUS,
            "remove", ContainerEvent.Type.REMOVE);

    /** Attributes libpod adds next to the container's labels in {@code Actor.Attributes}. */
    private static final Set<String> NOT_LABELS =
            Set.of("name", "image", "podId", "containerExitCode", "exitCode", "health_status");

    private LibpodEvents() {}

    /** The path of the stream: container events of the port's types carrying the selector's labels. */
    public static String path(LabelSelector selector) {
        // libpod ORs the values of one filter key (measured on 4.3.1), so several labels match more than asked for;
        // parse() applies the selector again, ANDed. Filtering here still keeps the stream quiet.
        Map<String, List<String>> filters = Map.of(
                "type", List.of("container"),
                "event", List.of("create", "start", "died", "oom", "health_status", "remove"),
                "label", selector.asFilterValues());
        return "/events?stream=true&filters=" + LibpodClient.filters(filters);
    }

    /** The port's event, or empty for an event the port does not model or whose labels do not match. */
    public static Optional<ContainerEvent> parse(JsonNode event, LabelSelector selector) {
        ContainerEvent.Type type = TYPES.get(text(event, "Action"));
        if (type == null || !text(event, "Type").equals("container")) {
            return Optional.empty();
        }
        JsonNode attributes = event.path("Actor").path("Attributes");
        Map<String, String> labels = LibpodJson.stringMap(attributes);
        labels.keySet().removeAll(NOT_LABELS);
        if (!selector.matches(labels)) {
            return Optional.empty();
        }
        String id = text(event.path("Actor"), "ID");
        return Optional.of(new ContainerEvent(
                type,
                id.isEmpty() ? text(event, "id") : id,
                text(attributes, "name"),
                labels,
                type == ContainerEvent.Type.DIE ? exitCode(attributes) : OptionalInt.empty(),
                type == ContainerEvent.Type.HEALTH_STATUS ? healthStatus(event, attributes) : "",
                time(event)));
    }

    private static OptionalInt exitCode(JsonNode attributes) {
        String code = text(attributes, "containerExitCode");
        if (code.isEmpty()) {
            code = text(attributes, "exitCode");
        }
        try {
            return code.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(code));
        } catch (NumberFormatException notANumber) {
            return OptionalInt.empty();
        }
    }

    private static String healthStatus(JsonNode event, JsonNode attributes) {
        String status = text(event, "HealthStatus");
        return status.isEmpty() ? text(attributes, "health_status") : status;
    }

    private static Instant time(JsonNode event) {
        long nanos = event.path("timeNano").asLong();
        return nanos > 0
                ? Instant.ofEpochSecond(0, nanos)
                : Instant.ofEpochSecond(event.path("time").asLong());
    }
}
