package io.orbit.interop.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.interop.InteropException;
import io.orbit.interop.Warning;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one Compose service becomes: the translators ({@link Environments}, {@link Ports}, {@link Mounts},
 * {@link HealthChecks}, {@link Deploys}) fill it in field by field, then {@link #toTree} writes the Orbit service.
 */
final class ServiceDraft {
    final ComposeProject project;
    final String composeName;
    final JsonNode service;
    /** {@code services.<name>}, the start of every field path in a warning or an error. */
    final String path;

    final List<Warning> warnings = new ArrayList<>();
    final Map<String, String> env = new TreeMap<>();
    final List<ObjectNode> ports = new ArrayList<>();
    final List<ObjectNode> mounts = new ArrayList<>();
    final Map<String, ObjectNode> volumes = new LinkedHashMap<>();

    @Nullable
    List<String> command;

    @Nullable
    List<String> entrypoint;

    @Nullable
    String image;

    @Nullable
    String network;

    @Nullable
    String memory;

    @Nullable
    Double cpus;

    @Nullable
    ObjectNode healthCheck;

    @Nullable
    ObjectNode rollingUpdate;

    @Nullable
    String pullPolicy;

    int replicas = 1;
    /** {@code update_config.parallelism: 0}: the whole replica count at once, known once every field was read. */
    boolean allAtOnce;

    boolean privileged;

    ServiceDraft(ComposeProject project, String composeName, JsonNode service) {
        this.project = project;
        this.composeName = composeName;
        this.service = service;
        this.path = "services." + composeName;
    }

    void warn(String field, String message) {
        warnings.add(new Warning(project.file, field.isEmpty() ? path : path + "." + field, message));
    }

    /** An error naming the file and the field: {@code compose.yaml: services.web.ports[0]: <message>}. */
    InteropException error(String field, String message) {
        return new InteropException(project.file + ": " + path + "." + field + ": " + message);
    }

    /** A volume key no other volume of this service uses yet: {@code data}, {@code data-2}, ... */
    String uniqueVolume(String base) {
        String key = base;
        for (int i = 2; volumes.containsKey(key); i++) {
            key = base + "-" + i;
        }
        return key;
    }

    /** The Orbit service file's tree (the image is known by then: the translation checked it). */
    ObjectNode toTree(String name, String image) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("name", name);
        if (network != null) {
            root.put("network", network);
        }
        ObjectNode count = root.putObject("instance_count");
        count.put("min", replicas);
        count.put("max", Math.max(1, replicas));
        if (pullPolicy != null) {
            root.put("pull_policy", pullPolicy);
        }
        ObjectNode update = rollingUpdate;
        if (update != null) {
            if (allAtOnce) {
                String field = update.path("max_surge").asInt() > 0 ? "max_surge" : "max_unavailable";
                update.put(field, Math.min(255, Math.max(1, replicas)));
            }
            root.set("rolling_update_config", update);
        }
        if (!volumes.isEmpty()) {
            ObjectNode v = root.putObject("volumes");
            volumes.forEach(v::set);
        }
        ObjectNode main = root.putObject("spec").putArray("containers").addObject();
        main.put("name", "main");
        main.put("image", image);
        writeMainContainer(main);
        return root;
    }

    private void writeMainContainer(ObjectNode main) {
        if (entrypoint != null || command != null) {
            // Orbit's command replaces CMD and keeps ENTRYPOINT: Compose's entrypoint goes first (warned on read).
            ArrayNode c = main.putArray("command");
            List<String> full = new ArrayList<>();
            if (entrypoint != null) {
                full.addAll(entrypoint);
            }
            if (command != null) {
                full.addAll(command);
            }
            full.forEach(c::add);
        }
        if (!env.isEmpty()) {
            ObjectNode e = main.putObject("env");
            env.forEach(e::put);
        }
        if (privileged) {
            main.put("privileged", true);
        }
        if (!ports.isEmpty()) {
            ArrayNode p = main.putArray("ports");
            ports.forEach(p::add);
        }
        if (!mounts.isEmpty()) {
            ArrayNode m = main.putArray("volume_mounts");
            mounts.forEach(m::add);
        }
        if (memory != null) {
            main.put("memory_limit", memory);
        }
        if (cpus != null) {
            main.put("cpu_limit", cpus);
        }
        if (healthCheck != null) {
            main.set("health_check", healthCheck);
        }
    }
}
