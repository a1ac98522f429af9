package io.orbit.runtime.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reading libpod's JSON leniently: Podman writes {@code null} for empty maps and lists and {@code 0001-01-01} for
 * times that never happened, and the port's records want empty values for all of them.
 */
final class LibpodJson {

    private LibpodJson() {}

    /** The text of a field; empty when missing or null (Jackson's {@code asText()} would say "null"). */
    static String text(JsonNode node, String field) {
        return node.path(field).asText("");
    }

    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.properties().forEach(entry -> {
            if (!entry.getValue().isNull()) {
                map.put(entry.getKey(), entry.getValue().asText());
            }
        });
        return map;
    }

    static List<String> strings(JsonNode node) {
        List<String> list = new ArrayList<>();
        node.forEach(element -> list.add(element.asText()));
        return list;
    }

    /** A point in time; empty for Go's zero time ({@code 0001-01-01T00:00:00Z}), which means "never". */
    static Optional<Instant> instant(String text) {
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            Instant instant = DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
            return instant.isAfter(Instant.EPOCH) ? Optional.of(instant) : Optional.empty();
        } catch (DateTimeParseException unparseable) {
            // A time the adapter cannot read is as good as none; it must not fail an inspect.
            return Optional.empty();
        }
    }

    /** Image ids without the {@code sha256:} prefix, which libpod mostly drops already. */
    static String withoutDigestPrefix(String id) {
        return id.startsWith("sha256:") ? id.substring("sha256:".length()) : id;
    }
}
