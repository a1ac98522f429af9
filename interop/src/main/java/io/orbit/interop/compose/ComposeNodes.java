package io.orbit.interop.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.interop.InteropException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Reading Compose's loosely typed values (scalars, maps written as lists) and turning names into Orbit's. */
final class ComposeNodes {

    private ComposeNodes() {}

    static String scalar(JsonNode node) {
        if (node.isContainerNode()) {
            throw new InteropException("expected a single value, got " + node);
        }
        return node.isNull() ? "" : node.asText();
    }

    static Optional<String> text(@Nullable JsonNode node) {
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    /** The keys of a map, or the names of a {@code KEY=value} list, for a warning. */
    static String fieldNames(JsonNode value) {
        List<String> names = new ArrayList<>();
        if (value.isObject()) {
            value.fieldNames().forEachRemaining(names::add);
        } else if (value.isArray()) {
            value.forEach(item -> names.add(item.asText().split("=", 2)[0]));
        }
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }

    /** A map of strings from either of Compose's forms: a mapping, or a list of {@code KEY=value}. */
    static ObjectNode stringMap(JsonNode value) {
        ObjectNode map = JsonNodeFactory.instance.objectNode();
        if (value.isObject()) {
            value.properties().forEach(entry -> map.put(entry.getKey(), scalar(entry.getValue())));
        } else {
            value.forEach(item -> {
                String[] parts = item.asText().split("=", 2);
                map.put(parts[0], parts.length == 2 ? parts[1] : "");
            });
        }
        return map;
    }

    /** A Compose name as an Orbit (DNS label) name: lower case, '_' and '.' as '-', 2 to 60 characters. */
    static String dnsLabel(String name, String what) {
        String label = name.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9-]", "-")
                .replaceAll("-+", "-")
                .replaceAll("^-|-$", "");
        if (label.length() > 60) {
            label = label.substring(0, 60).replaceAll("-$", "");
        }
        if (label.isEmpty()) {
            label = what;
        }
        if (label.length() < 2) {
            label = label + "-" + what;
        }
        return label;
    }

    /** An Orbit volume key: a plain name (no '/', not '.' or '..'). */
    static String plainName(String name) {
        String plain = name.replaceAll("[^A-Za-z0-9_.-]", "-");
        return plain.isEmpty() || plain.equals(".") || plain.equals("..") ? "volume" : plain;
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
