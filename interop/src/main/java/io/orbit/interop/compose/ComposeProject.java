package io.orbit.interop.compose;

import static io.orbit.interop.compose.ComposeNodes.dnsLabel;
import static io.orbit.interop.compose.ComposeNodes.join;
import static io.orbit.interop.compose.ComposeNodes.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.engine.config.ServiceFileParser;
import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.interop.InteropException;
import io.orbit.interop.Warning;
import io.orbit.interop.compose.ComposeImporter.ImportedService;
import io.orbit.interop.compose.ComposeImporter.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** One import: the Compose tree after interpolation, the project-wide definitions, and the project's warnings. */
final class ComposeProject {
    final String file;
    final Map<String, String> variables;
    final List<Warning> projectWarnings = new ArrayList<>();
    private final Path base;
    private final Interpolator interpolator;
    private final JsonNode raw;
    private final String defaultProject;
    private final Set<String> unsetReported = new HashSet<>();
    String project = "";
    JsonNode topVolumes = JsonNodeFactory.instance.objectNode();
    JsonNode topConfigs = JsonNodeFactory.instance.objectNode();
    JsonNode topSecrets = JsonNodeFactory.instance.objectNode();
    JsonNode topNetworks = JsonNodeFactory.instance.objectNode();
    private JsonNode root = JsonNodeFactory.instance.objectNode();

    ComposeProject(
            String file,
            Path base,
            Interpolator interpolator,
            Map<String, String> variables,
            JsonNode raw,
            String defaultProject) {
        this.file = file;
        this.base = base;
        this.interpolator = interpolator;
        this.variables = variables;
        this.raw = raw;
        this.defaultProject = defaultProject;
    }

    Result run() {
        root = interpolate(raw, "");
        JsonNode services = root.path("services");
        if (!services.isObject() || services.isEmpty()) {
            throw new InteropException(
                    file + ": services: missing or empty; a Compose file lists its services" + " under 'services:'");
        }
        project = dnsLabel(text(root.get("name")).orElse(defaultProject), "project");
        root.properties().forEach(entry -> topLevel(entry.getKey(), entry.getValue()));
        List<ImportedService> imported = translateServices(services);
        List<ParsedFile> parsed = new ArrayList<>();
        ServiceFileParser parser = new ServiceFileParser();
        for (ImportedService service : imported) {
            parsed.add(parser.parse(Path.of(service.fileName()), service.yaml()));
        }
        SpecValidator.Result validation = SpecValidator.validate(parsed, SpecValidator.DEFAULT_API_PORT);
        List<Warning> all = new ArrayList<>(projectWarnings);
        imported.forEach(service -> service.warnings().stream()
                .filter(warning -> !projectWarnings.contains(warning))
                .forEach(all::add));
        return new Result(imported, all, validation.problems());
    }

    private List<ImportedService> translateServices(JsonNode services) {
        boolean shared = services.size() > 1;
        List<ImportedService> imported = new ArrayList<>();
        Map<String, String> names = new LinkedHashMap<>();
        services.properties().forEach(entry -> {
            ImportedService service =
                    new ServiceTranslation(this, entry.getKey(), entry.getValue(), shared).translate();
            String earlier = names.putIfAbsent(service.name(), entry.getKey());
            if (earlier != null) {
                throw new InteropException(file + ": services." + entry.getKey() + ": becomes Orbit service '"
                        + service.name() + "' as services." + earlier + " does; rename one of them");
            }
            imported.add(service);
        });
        return imported;
    }

    private void topLevel(String key, JsonNode value) {
        switch (key) {
            case "services", "name" -> {}
            case "version" ->
                projectWarning(key, "obsolete in the Compose Specification and without meaning for Orbit; ignored");
            case "volumes" -> topVolumes = value;
            case "configs" -> topConfigs = value;
            case "secrets" -> topSecrets = value;
            case "networks" -> {
                topNetworks = value;
                value.properties()
                        .forEach(network -> network.getValue()
                                .properties()
                                .forEach(field -> networkOption(
                                        "networks." + network.getKey() + "." + field.getKey(),
                                        field.getKey(),
                                        field.getValue())));
            }
            case "include" ->
                projectWarning(key, "included files are not imported; run orbit import compose on each of them");
            default -> {
                if (key.startsWith("x-")) {
                    projectWarning(
                            key,
                            "an extension field: Compose leaves it to other tools and so does Orbit;"
                                    + " ignored (YAML anchors defined in it were applied)");
                } else {
                    projectWarning(key, "not a Compose top-level field Orbit knows; ignored");
                }
            }
        }
    }

    private void networkOption(String path, String option, JsonNode value) {
        switch (option) {
            case "name", "external" -> {}
            case "driver" -> {
                if (!value.asText().equals("bridge")) {
                    projectWarning(path, "Orbit creates a bridge network; driver '" + value.asText() + "' is not used");
                }
            }
            default ->
                projectWarning(
                        path, "Orbit creates the network with the engine's defaults; this option is not carried over");
        }
    }

    /**
     * Where other services (their environment, command, entrypoint or health check) or the project's configs use
     * this service's name as a host name: those references stop resolving under Orbit.
     */
    List<String> referencesTo(String service) {
        Pattern host = Pattern.compile("(?<![A-Za-z0-9_.-])" + Pattern.quote(service) + "(?![A-Za-z0-9_-])");
        List<String> places = new ArrayList<>();
        root.path("services").properties().forEach(other -> {
            if (!other.getKey().equals(service)) {
                for (String field : List.of("environment", "command", "entrypoint", "healthcheck")) {
                    if (other.getValue().has(field)
                            && host.matcher(other.getValue().get(field).toString())
                                    .find()) {
                        places.add("services." + other.getKey() + "." + field);
                    }
                }
            }
        });
        root.path("configs").properties().forEach(config -> {
            if (host.matcher(config.getValue().path("content").asText()).find()) {
                places.add("configs." + config.getKey());
            }
        });
        return places;
    }

    void projectWarning(String field, String message) {
        projectWarnings.add(new Warning(file, field, message));
    }

    /** Interpolates every string scalar (not the keys), as Compose does, before anything reads the tree. */
    private JsonNode interpolate(JsonNode node, String path) {
        if (node.isTextual()) {
            return JsonNodeFactory.instance.textNode(interpolator.interpolate(node.asText(), path, name -> {
                if (unsetReported.add(name)) {
                    projectWarning(
                            path,
                            "variable " + name + " is not set (neither in the environment nor in .env); it"
                                    + " became the empty string");
                }
            }));
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties()
                    .forEach(entry ->
                            copy.set(entry.getKey(), interpolate(entry.getValue(), join(path, entry.getKey()))));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(interpolate(node.get(i), path + "[" + i + "]"));
            }
            return copy;
        }
        return node;
    }

    String readRelative(String path, String field) {
        Path target = base.resolve(path).normalize();
        return ComposeImporter.read(target, file + ": " + field + " (" + target + ")");
    }

    Path resolve(String path) {
        return base.resolve(path).normalize();
    }
}
