package io.orbit.interop.compose;

import static io.orbit.interop.compose.ComposeNodes.plainName;
import static io.orbit.interop.compose.ComposeNodes.scalar;
import static io.orbit.interop.compose.ComposeNodes.stringMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code volumes} (bind mounts and named volumes), {@code configs} and {@code secrets} (inline files). */
final class Mounts {

    /** One {@code volumes} entry, from either syntax. */
    private record Volume(String type, String source, String target, boolean readOnly) {}

    private final ServiceDraft draft;

    Mounts(ServiceDraft draft) {
        this.draft = draft;
    }

    void volume(JsonNode entry, String where) {
        Volume volume = entry.isObject() ? longSyntax(entry, where) : shortSyntax(scalar(entry), where);
        if (!volume.target().startsWith("/")) {
            throw draft.error(where, "the target '" + volume.target() + "' must be an absolute path in the container");
        }
        String key;
        switch (volume.type()) {
            case "bind" -> key = bind(volume.source());
            case "volume" -> {
                if (volume.source().isEmpty()) {
                    draft.warn(
                            where,
                            "an anonymous volume: Orbit has none; not carried over (name it, e.g. 'data:"
                                    + volume.target() + "', to keep its data)");
                    return;
                }
                key = named(volume.source(), where);
            }
            default -> {
                draft.warn(
                        where,
                        "a " + volume.type() + " mount: Orbit mounts host paths, named volumes and inline files"
                                + " only; not carried over");
                return;
            }
        }
        ObjectNode mount = JsonNodeFactory.instance.objectNode();
        mount.put("name", key);
        mount.put("mount_path", volume.target());
        mount.put("read_only", volume.readOnly());
        draft.mounts.add(mount);
    }

    private Volume longSyntax(JsonNode entry, String where) {
        entry.fieldNames().forEachRemaining(name -> {
            if (!Set.of("type", "source", "target", "read_only").contains(name)) {
                draft.warn(where + "." + name, "Orbit mounts have no such option; not carried over");
            }
        });
        return new Volume(
                entry.path("type").asText("volume"),
                entry.path("source").asText(""),
                entry.path("target").asText(""),
                entry.path("read_only").asBoolean(false));
    }

    /** {@code [SOURCE:]TARGET[:MODE]}: a source that looks like a path is a bind mount, else a named volume. */
    private Volume shortSyntax(String entry, String where) {
        String[] parts = entry.split(":", -1);
        if (parts.length > 3) {
            throw draft.error(where, "'" + entry + "' is not SOURCE:TARGET[:MODE]");
        }
        String source = parts.length == 1 ? "" : parts[0];
        String target = parts.length == 1 ? parts[0] : parts[1];
        boolean readOnly = false;
        if (parts.length == 3) {
            for (String option : parts[2].split(",")) {
                if (option.equals("ro")) {
                    readOnly = true;
                } else if (!option.equals("rw")) {
                    draft.warn(where, "mount option '" + option + "' has no Orbit equivalent; not carried over");
                }
            }
        }
        boolean path = source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
        return new Volume(path ? "bind" : "volume", source, target, readOnly);
    }

    private String bind(String source) {
        String expanded = source.startsWith("~") ? System.getProperty("user.home") + source.substring(1) : source;
        Path hostPath = draft.project.resolve(expanded);
        String key = draft.uniqueVolume(plainName(
                Optional.ofNullable(hostPath.getFileName()).map(Path::toString).orElse("root")));
        draft.volumes.put(key, JsonNodeFactory.instance.objectNode().put("host_path", hostPath.toString()));
        return key;
    }

    private String named(String source, String where) {
        JsonNode topVolumes = draft.project.topVolumes;
        JsonNode definition = topVolumes.path(source);
        if (definition.isMissingNode() && !topVolumes.has(source)) {
            draft.warn(
                    where,
                    "volume '" + source + "' is not defined under the top-level volumes; imported as"
                            + " a named volume all the same");
        }
        String engineName = definition.hasNonNull("name")
                ? definition.get("name").asText()
                : definition.path("external").asBoolean(false) ? source : draft.project.project + "_" + source;
        ObjectNode named = JsonNodeFactory.instance.objectNode();
        named.put("name", engineName);
        if (definition.path("labels").isObject() || definition.path("labels").isArray()) {
            named.set("labels", stringMap(definition.get("labels")));
        }
        if (definition.path("driver_opts").isObject()) {
            named.set("driver_opts", stringMap(definition.get("driver_opts")));
        }
        if (definition.hasNonNull("driver")
                && !definition.get("driver").asText().equals("local")) {
            draft.warn(
                    where,
                    "volume '" + source + "' uses driver '"
                            + definition.get("driver").asText() + "'; Orbit creates local volumes");
        }
        String key = draft.uniqueVolume(plainName(source));
        draft.volumes.put(key, JsonNodeFactory.instance.objectNode().set("named_volume", named));
        return key;
    }

    /** A config or secret becomes an inline file of its own volume, mounted with {@code sub_path}. */
    void config(JsonNode entry, String where, boolean secret) {
        String kind = secret ? "secret" : "config";
        String source = entry.isObject() ? entry.path("source").asText("") : scalar(entry);
        Optional<String> content = content(kind, source, where, secret);
        if (content.isEmpty()) {
            return;
        }
        String target = entry.isObject() && entry.hasNonNull("target")
                ? entry.get("target").asText()
                : (secret ? "/run/secrets/" : "/") + source;
        if (!target.startsWith("/")) {
            target = (secret ? "/run/secrets/" : "/") + target;
        }
        if (entry.isObject()) {
            for (String option : List.of("uid", "gid")) {
                if (entry.has(option)) {
                    draft.warn(
                            where + "." + option, "Orbit writes inline files as the daemon's user; not carried over");
                }
            }
        }
        String fileName = target.substring(target.lastIndexOf('/') + 1);
        ObjectNode volume = JsonNodeFactory.instance.objectNode();
        volume.putObject("files").put(fileName, content.get());
        if (entry.isObject() && entry.has("mode")) {
            JsonNode mode = entry.get("mode");
            int bits = mode.isIntegralNumber()
                    ? mode.asInt()
                    : Integer.parseInt(mode.asText().replaceFirst("^0o?", "0"), 8);
            volume.put("permissions", String.format("%04o", bits));
        }
        String key = draft.uniqueVolume(plainName(kind + "-" + source));
        draft.volumes.put(key, volume);
        ObjectNode mount = JsonNodeFactory.instance.objectNode();
        mount.put("name", key);
        mount.put("mount_path", target);
        mount.put("sub_path", fileName);
        draft.mounts.add(mount);
    }

    /** The content of a top-level config or secret, or empty (warned) when Orbit cannot inline it. */
    private Optional<String> content(String kind, String source, String where, boolean secret) {
        JsonNode definition = (secret ? draft.project.topSecrets : draft.project.topConfigs).path(source);
        String content;
        if (definition.hasNonNull("content")) {
            content = definition.get("content").asText();
        } else if (definition.hasNonNull("file")) {
            content = draft.project.readRelative(definition.get("file").asText(), kind + "s." + source + ".file");
        } else if (definition.hasNonNull("environment")) {
            String variable = definition.get("environment").asText();
            content = draft.project.variables.getOrDefault(variable, "");
            if (!draft.project.variables.containsKey(variable)) {
                draft.warn(where, kind + " '" + source + "' reads " + variable + ", which is not set; written empty");
            }
        } else {
            draft.warn(
                    where,
                    kind + " '" + source + "' is "
                            + (definition.path("external").asBoolean(false) ? "external" : "not defined")
                            + "; Orbit needs its content inline: not carried over");
            return Optional.empty();
        }
        if (secret) {
            draft.warn(
                    where,
                    "secret '" + source + "' becomes an inline file: its content is now in the service file"
                            + " (keep that file private)");
        }
        return Optional.of(content);
    }
}
