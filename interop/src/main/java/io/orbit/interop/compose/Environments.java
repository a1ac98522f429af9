package io.orbit.interop.compose;

import static io.orbit.interop.compose.ComposeNodes.scalar;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code environment}, {@code env_file}, and the command lines ({@code command}, {@code entrypoint}). */
final class Environments {
    private final ServiceDraft draft;

    Environments(ServiceDraft draft) {
        this.draft = draft;
    }

    /** A command line in either of Compose's forms: a list of words, or one string split as a shell would. */
    List<String> words(JsonNode value, String key) {
        if (value.isNull()) {
            return List.of();
        }
        if (value.isArray()) {
            List<String> list = new ArrayList<>();
            value.forEach(word -> list.add(scalar(word)));
            return list;
        }
        return ShellWords.split(scalar(value), draft.project.file + ": " + draft.path + "." + key);
    }

    void environment(JsonNode value) {
        if (value.isObject()) {
            value.properties().forEach(entry -> {
                if (entry.getValue().isNull()) {
                    fromEnvironment(entry.getKey(), "environment." + entry.getKey());
                } else {
                    draft.env.put(entry.getKey(), scalar(entry.getValue()));
                }
            });
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                String item = scalar(value.get(i));
                int equals = item.indexOf('=');
                if (equals < 0) {
                    fromEnvironment(item, "environment[" + i + "]");
                } else {
                    draft.env.put(item.substring(0, equals), item.substring(equals + 1));
                }
            }
        } else {
            throw draft.error("environment", "must be a mapping or a list");
        }
    }

    /** {@code environment: [NAME]}: Compose passes the variable through at run time; Orbit's env holds values. */
    private void fromEnvironment(String name, String field) {
        String value = draft.project.variables.get(name);
        if (value == null) {
            draft.warn(
                    field,
                    "takes " + name + " from the environment at run time in Compose, and it is not set here;"
                            + " not carried over (Orbit's env holds values only)");
        } else {
            draft.env.put(name, value);
            draft.warn(field, "took the value of " + name + " from the import's environment: the file now holds it");
        }
    }

    void envFiles(JsonNode value) {
        List<JsonNode> entries = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(entries::add);
        } else {
            entries.add(value);
        }
        JsonNode environment = draft.service.path("environment");
        Set<String> listed = listNames(environment);
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            String where = "env_file" + (value.isArray() ? "[" + i + "]" : "");
            String file = entry.isObject() ? entry.path("path").asText() : entry.asText();
            boolean required = !entry.isObject() || entry.path("required").asBoolean(true);
            Path target = draft.project.resolve(file);
            if (!Files.isRegularFile(target) && !required) {
                continue;
            }
            String text = draft.project.readRelative(file, draft.path + "." + where);
            Map<String, String> values = DotEnv.parse(text, target.toString(), draft.project.variables);
            // environment: wins over env_file whatever the order of the keys.
            values.forEach((k, v) -> {
                if (!environment.has(k) && !listed.contains(k)) {
                    draft.env.put(k, v);
                }
            });
        }
    }

    private static Set<String> listNames(JsonNode environment) {
        Set<String> names = new HashSet<>();
        if (environment.isArray()) {
            environment.forEach(item -> names.add(item.asText().split("=", 2)[0]));
        }
        return names;
    }
}
