package io.orbit.interop.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.orbit.engine.config.ServiceFileParser;
import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.interop.InteropException;
import io.orbit.interop.Warning;
import io.orbit.interop.YamlOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * {@code orbit import compose}: one Orbit service file per Compose service. What Orbit can express is carried over
 * (image, command, environment, published ports as node ports, volumes, configs, replicas, limits, update order,
 * health checks); everything else is a {@link Warning} with the Compose file, the field and why, printed and written
 * as a comment at the top of the service file. The files are checked with the engine's own parser and validator
 * before they are written, all together, as {@code orbit validate} would.
 */
public final class ComposeImporter {

    /**
     * One Orbit service file.
     *
     * @param fileName {@code <service>.yml}
     * @param yaml the file's text, warnings as comments first
     * @param warnings what this service could not carry over, project-wide warnings included
     */
    public record ImportedService(String name, String fileName, String yaml, List<Warning> warnings) {
        public ImportedService {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * @param services one per Compose service, in the Compose file's order
     * @param warnings every warning, project-wide ones first
     * @param problems what the engine's validator says about the files together (errors mean: do not write them)
     */
    public record Result(List<ImportedService> services, List<Warning> warnings, List<SpecProblem> problems) {
        public Result {
            services = List.copyOf(services);
            warnings = List.copyOf(warnings);
            problems = List.copyOf(problems);
        }

        public boolean valid() {
            return problems.stream().noneMatch(SpecProblem::isError);
        }
    }

    private static final int MAX_FILE_BYTES = 4 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML =
            YAMLMapper.builder(YamlOutput.factory()).build();

    private final Map<String, String> environment;

    /** @param environment the process environment, which wins over {@code .env} as in Compose */
    public ComposeImporter(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * Reads a Compose file (and the {@code .env} beside it) and translates every service.
     *
     * @throws InteropException when the file cannot be read or is not a Compose file
     */
    public Result importFile(Path composeFile) {
        String shown = composeFile.toString();
        Path base =
                Optional.ofNullable(composeFile.toAbsolutePath().getParent()).orElse(Path.of("/"));
        Map<String, String> variables = new HashMap<>();
        Path dotEnv = base.resolve(".env");
        if (Files.isRegularFile(dotEnv)) {
            variables.putAll(DotEnv.parse(read(dotEnv, dotEnv.toString()), dotEnv.toString(), environment));
        }
        variables.putAll(environment);
        JsonNode root = load(read(composeFile, shown), shown);
        String defaultProject =
                Optional.ofNullable(base.getFileName()).map(Path::toString).orElse("default");
        return new Translation(shown, base, new Interpolator(variables), variables, root, defaultProject).run();
    }

    private static String read(Path file, String shown) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new InteropException(shown + ": larger than 4 MiB; that is no Compose file");
            }
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InteropException(shown + ": no such file; pass the path of your compose.yaml", e);
        } catch (IOException e) {
            throw new InteropException(shown + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** SnakeYAML's loader: it resolves anchors, aliases and merge keys ({@code <<: *defaults}), Jackson's does not. */
    private static JsonNode load(String text, String shown) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(200);
        options.setCodePointLimit(MAX_FILE_BYTES);
        Object document;
        try {
            DumperOptions dumper = new DumperOptions();
            document = new Yaml(
                            new SafeConstructor(options),
                            new Representer(dumper),
                            dumper,
                            options,
                            new ComposeYamlResolver())
                    .load(text);
        } catch (RuntimeException e) {
            throw new InteropException(
                    shown + ": not valid YAML: "
                            + Objects.requireNonNullElse(e.getMessage(), e.toString())
                                    .strip(),
                    e);
        }
        JsonNode root = JSON.valueToTree(document);
        if (root == null || !root.isObject()) {
            throw new InteropException(shown + ": not a Compose file: the top level must be a mapping with 'services'");
        }
        return root;
    }

    /** One import: the Compose tree after interpolation, the project-wide definitions, and the warnings. */
    private static final class Translation {
        private final String file;
        private final Path base;
        private final Interpolator interpolator;
        private final Map<String, String> variables;
        private final JsonNode raw;
        private final String defaultProject;
        private final List<Warning> projectWarnings = new ArrayList<>();
        private final Set<String> unsetReported = new java.util.HashSet<>();
        private String project = "";
        private JsonNode root = JsonNodeFactory.instance.objectNode();
        private JsonNode topVolumes = JsonNodeFactory.instance.objectNode();
        private JsonNode topConfigs = JsonNodeFactory.instance.objectNode();
        private JsonNode topSecrets = JsonNodeFactory.instance.objectNode();
        private JsonNode topNetworks = JsonNodeFactory.instance.objectNode();

        Translation(
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
                throw new InteropException(file + ": services: missing or empty; a Compose file lists its services"
                        + " under 'services:'");
            }
            project = dnsLabel(text(root.get("name")).orElse(defaultProject), "project");
            root.properties().forEach(entry -> topLevel(entry.getKey(), entry.getValue()));
            boolean shared = services.size() > 1;
            List<ImportedService> imported = new ArrayList<>();
            Map<String, String> names = new LinkedHashMap<>();
            services.properties().forEach(entry -> {
                ServiceTranslation translation = new ServiceTranslation(this, entry.getKey(), entry.getValue(), shared);
                ImportedService service = translation.translate();
                String earlier = names.putIfAbsent(service.name(), entry.getKey());
                if (earlier != null) {
                    throw new InteropException(file + ": services." + entry.getKey() + ": becomes Orbit service '"
                            + service.name() + "' as services." + earlier + " does; rename one of them");
                }
                imported.add(service);
            });
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
                            .forEach(network -> network.getValue().properties().forEach(field -> {
                                String path = "networks." + network.getKey() + "." + field.getKey();
                                switch (field.getKey()) {
                                    case "name", "external" -> {}
                                    case "driver" -> {
                                        if (!field.getValue().asText().equals("bridge")) {
                                            projectWarning(
                                                    path,
                                                    "Orbit creates a bridge network; driver '"
                                                            + field.getValue().asText() + "' is not used");
                                        }
                                    }
                                    default ->
                                        projectWarning(
                                                path,
                                                "Orbit creates the network with the engine's defaults;"
                                                        + " this option is not carried over");
                                }
                            }));
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

        /**
         * Where other services (their environment, command, entrypoint or health check) or the project's configs use
         * this service's name as a host name: those references stop resolving under Orbit.
         */
        List<String> referencesTo(String service) {
            java.util.regex.Pattern host = java.util.regex.Pattern.compile(
                    "(?<![A-Za-z0-9_.-])" + java.util.regex.Pattern.quote(service) + "(?![A-Za-z0-9_-])");
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
            return read(target, file + ": " + field + " (" + target + ")");
        }

        Path resolve(String path) {
            return base.resolve(path).normalize();
        }
    }

    /** One Compose service to one Orbit file. */
    private static final class ServiceTranslation {
        private final Translation project;
        private final String composeName;
        private final JsonNode service;
        private final boolean shared;
        private final String path;
        private final List<Warning> warnings = new ArrayList<>();
        private final ObjectNode container = JsonNodeFactory.instance.objectNode();
        private final Map<String, String> env = new TreeMap<>();
        private final List<ObjectNode> ports = new ArrayList<>();
        private final List<ObjectNode> mounts = new ArrayList<>();
        private final Map<String, ObjectNode> volumes = new LinkedHashMap<>();
        private @Nullable List<String> command;
        private @Nullable List<String> entrypoint;
        private @Nullable String image;
        private @Nullable String network;
        private @Nullable String memory;
        private @Nullable Double cpus;
        private @Nullable ObjectNode healthCheck;
        private @Nullable ObjectNode rollingUpdate;
        private @Nullable String pullPolicy;
        private int replicas = 1;
        private boolean allAtOnce;
        private boolean privileged;

        ServiceTranslation(Translation project, String composeName, JsonNode service, boolean shared) {
            this.project = project;
            this.composeName = composeName;
            this.service = service;
            this.shared = shared;
            this.path = "services." + composeName;
        }

        ImportedService translate() {
            String name = dnsLabel(composeName, "service");
            if (!name.equals(composeName)) {
                warn("", "Orbit service names are DNS labels (2-60 of a-z, 0-9, '-'): imported as '" + name + "'");
            }
            if (!service.isObject()) {
                throw new InteropException(project.file + ": " + path + ": must be a mapping of the service's fields");
            }
            service.properties().forEach(entry -> field(entry.getKey(), entry.getValue()));
            if (image == null) {
                throw new InteropException(project.file + ": " + path + ": has no image (nor build); Orbit runs"
                        + " images: add 'image:'");
            }
            if (network == null && shared) {
                network = project.project + "_default";
            }
            List<String> users = project.referencesTo(composeName);
            if (shared && !users.isEmpty()) {
                warn(
                        "",
                        "reached as '" + composeName + "' in " + String.join(", ", users) + "; under Orbit other"
                                + " services reach it on network '" + network + "' as '" + name + "-main' (or"
                                + " through its node_port on the host): change those host names");
            }
            ObjectNode root = buildRoot(name);
            StringBuilder text = new StringBuilder();
            text.append("# Imported by `orbit import compose` from ")
                    .append(project.file)
                    .append(", service '")
                    .append(composeName)
                    .append("'.\n");
            List<Warning> all = new ArrayList<>(project.projectWarnings);
            all.addAll(warnings);
            if (!all.isEmpty()) {
                text.append("# Not carried over, or changed (")
                        .append(all.size())
                        .append("):\n");
                for (Warning warning : all) {
                    for (String line : warning.toString().split("\n")) {
                        text.append("#   ").append(line).append('\n');
                    }
                }
            }
            try {
                text.append(YAML.writeValueAsString(root));
            } catch (IOException e) {
                throw new InteropException("cannot write service " + name + ": " + e.getMessage(), e);
            }
            return new ImportedService(name, name + ".yml", text.toString(), all);
        }

        private ObjectNode buildRoot(String name) {
            JsonNodeFactory f = JsonNodeFactory.instance;
            ObjectNode root = f.objectNode();
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
            if (rollingUpdate != null) {
                if (allAtOnce) {
                    String field = rollingUpdate.path("max_surge").asInt() > 0 ? "max_surge" : "max_unavailable";
                    rollingUpdate.put(field, Math.min(255, Math.max(1, replicas)));
                }
                root.set("rolling_update_config", rollingUpdate);
            }
            if (!volumes.isEmpty()) {
                ObjectNode v = root.putObject("volumes");
                volumes.forEach(v::set);
            }
            ObjectNode main = root.putObject("spec").putArray("containers").addObject();
            main.put("name", "main");
            main.put("image", image);
            List<String> full = new ArrayList<>();
            if (entrypoint != null) {
                full.addAll(entrypoint);
                if (command != null) {
                    full.addAll(command);
                }
            } else if (command != null) {
                full.addAll(command);
            }
            if (entrypoint != null || command != null) {
                ArrayNode c = main.putArray("command");
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
            return root;
        }

        private void field(String key, JsonNode value) {
            switch (key) {
                case "image" -> image = value.asText();
                case "build" -> {
                    if (!service.has("image")) {
                        image = project.project + "-" + composeName;
                        warn(
                                key,
                                "Orbit does not build images: build and tag it as '" + image
                                        + "' first (docker compose build does), or set 'image:'");
                    } else {
                        warn(
                                key,
                                "Orbit does not build images: build and tag '"
                                        + service.get("image").asText() + "' first");
                    }
                }
                case "command" -> command = words(value, key);
                case "entrypoint" -> {
                    entrypoint = words(value, key);
                    warn(
                            key,
                            "Orbit's command replaces the image's CMD and keeps its ENTRYPOINT: the entrypoint is"
                                    + " written as the start of 'command', which runs the same only if the image has no"
                                    + " ENTRYPOINT of its own");
                }
                case "environment" -> environment(value);
                case "env_file" -> envFiles(value);
                case "ports" -> each(value, key, (entry, where) -> port(entry, where));
                case "expose" ->
                    each(value, key, (entry, where) -> {
                        for (int port : portRange(entry.asText(), where)) {
                            addPort(port, null, null, false);
                        }
                    });
                case "volumes" -> each(value, key, this::volume);
                case "configs" -> each(value, key, (entry, where) -> config(entry, where, false));
                case "secrets" -> each(value, key, (entry, where) -> config(entry, where, true));
                case "deploy" -> deploy(value);
                case "scale" -> replicas = count(value, key);
                case "mem_limit" -> memory(value, key);
                case "cpus" -> cpus(value, key);
                case "healthcheck" -> healthCheck(value);
                case "depends_on" ->
                    warn(
                            key,
                            "Orbit starts every service on its own and does not order starts; a service must wait"
                                    + " for (or retry) what it needs. A health_check keeps it out of traffic until ready");
                case "networks" -> networks(value);
                case "network_mode" ->
                    warn(
                            key,
                            "Orbit chooses the pod's network (its 'network:' or a bridge); '" + value.asText()
                                    + "' is not carried over");
                case "labels" ->
                    warn(
                            key,
                            "Orbit sets its own container labels (orbit.*) and has no field for others; "
                                    + fieldNames(value) + " not carried over");
                case "restart" -> restart(value.asText(), key);
                case "profiles" ->
                    warn(
                            key,
                            "Orbit has no profiles: the service is imported and runs whatever profile is active"
                                    + " (remove its file to leave it out)");
                case "privileged" -> privileged = value.asBoolean();
                case "pull_policy" -> pullPolicy(value.asText(), key);
                case "container_name" ->
                    warn(
                            key,
                            "Orbit names containers itself ({service}__{pod}__{container}__{uuid}); other"
                                    + " containers reach it by its network alias instead");
                case "stop_grace_period" ->
                    warn(
                            key,
                            "Orbit drains a pod for the daemon's --drain-timeout (default 10s) before stopping it;"
                                    + " set that flag instead");
                case "links", "external_links" ->
                    warn(key, "links are legacy; services reach each other on their shared network");
                default -> {
                    if (key.startsWith("x-")) {
                        warn(key, "an extension field: ignored");
                    } else {
                        warn(key, "Orbit's service format has no such field; not carried over");
                    }
                }
            }
        }

        private void warn(String field, String message) {
            warnings.add(new Warning(project.file, field.isEmpty() ? path : path + "." + field, message));
        }

        private interface EntryHandler {
            void handle(JsonNode entry, String where);
        }

        private void each(JsonNode value, String key, EntryHandler handler) {
            if (!value.isArray()) {
                throw new InteropException(project.file + ": " + path + "." + key + ": must be a list");
            }
            for (int i = 0; i < value.size(); i++) {
                handler.handle(value.get(i), key + "[" + i + "]");
            }
        }

        private List<String> words(JsonNode value, String key) {
            if (value.isNull()) {
                return List.of();
            }
            if (value.isArray()) {
                List<String> list = new ArrayList<>();
                value.forEach(word -> list.add(scalar(word)));
                return list;
            }
            return ShellWords.split(scalar(value), project.file + ": " + path + "." + key);
        }

        private void environment(JsonNode value) {
            if (value.isObject()) {
                value.properties().forEach(entry -> {
                    if (entry.getValue().isNull()) {
                        fromEnvironment(entry.getKey(), "environment." + entry.getKey());
                    } else {
                        env.put(entry.getKey(), scalar(entry.getValue()));
                    }
                });
            } else if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    String item = scalar(value.get(i));
                    int equals = item.indexOf('=');
                    if (equals < 0) {
                        fromEnvironment(item, "environment[" + i + "]");
                    } else {
                        env.put(item.substring(0, equals), item.substring(equals + 1));
                    }
                }
            } else {
                throw new InteropException(project.file + ": " + path + ".environment: must be a mapping or a list");
            }
        }

        private void fromEnvironment(String name, String field) {
            String value = project.variables.get(name);
            if (value == null) {
                warn(
                        field,
                        "takes " + name + " from the environment at run time in Compose, and it is not set here;"
                                + " not carried over (Orbit's env holds values only)");
            } else {
                env.put(name, value);
                warn(field, "took the value of " + name + " from the import's environment: the file now holds it");
            }
        }

        private void envFiles(JsonNode value) {
            List<JsonNode> entries = new ArrayList<>();
            if (value.isArray()) {
                value.forEach(entries::add);
            } else {
                entries.add(value);
            }
            for (int i = 0; i < entries.size(); i++) {
                JsonNode entry = entries.get(i);
                String where = "env_file" + (value.isArray() ? "[" + i + "]" : "");
                String file = entry.isObject() ? entry.path("path").asText() : entry.asText();
                boolean required = !entry.isObject() || entry.path("required").asBoolean(true);
                Path target = project.resolve(file);
                if (!Files.isRegularFile(target) && !required) {
                    continue;
                }
                String text = project.readRelative(file, path + "." + where);
                Map<String, String> values = DotEnv.parse(text, target.toString(), project.variables);
                // environment: wins over env_file whatever the order of the keys.
                values.forEach((k, v) -> {
                    if (!service.path("environment").has(k)
                            && !listNames(service.path("environment")).contains(k)) {
                        env.put(k, v);
                    }
                });
            }
        }

        private static Set<String> listNames(JsonNode environment) {
            Set<String> names = new java.util.HashSet<>();
            if (environment.isArray()) {
                environment.forEach(item -> names.add(item.asText().split("=", 2)[0]));
            }
            return names;
        }

        private void port(JsonNode entry, String where) {
            if (entry.isObject()) {
                int target = entry.path("target").asInt(0);
                if (target < 1) {
                    throw new InteropException(
                            project.file + ": " + path + "." + where + ".target: required, a" + " container port");
                }
                String protocol = entry.path("protocol").asText("tcp");
                if (entry.hasNonNull("host_ip")) {
                    hostIp(entry.get("host_ip").asText(), where + ".host_ip");
                }
                for (String ignored : List.of("name", "app_protocol")) {
                    if (entry.has(ignored)) {
                        warn(where + "." + ignored, "Orbit ports have no " + ignored + "; not carried over");
                    }
                }
                if (entry.hasNonNull("published")) {
                    List<Integer> published = portRange(scalar(entry.get("published")), where + ".published");
                    addPort(target, published.get(0), protocol, true);
                    if (published.size() > 1) {
                        warn(
                                where + ".published",
                                "a range: Orbit publishes one port per entry; took " + published.get(0));
                    }
                } else {
                    addPort(target, null, protocol, false);
                    warn(
                            where,
                            "published on a random host port by Compose; Orbit publishes none: add a node_port"
                                    + " to reach it from the host");
                }
                return;
            }
            String text = scalar(entry);
            String protocol = "tcp";
            int slash = text.lastIndexOf('/');
            if (slash >= 0) {
                protocol = text.substring(slash + 1).toLowerCase(Locale.ROOT);
                text = text.substring(0, slash);
            }
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                for (int port : portRange(text, where)) {
                    addPort(port, null, protocol, false);
                }
                warn(
                        where,
                        "published on a random host port by Compose; Orbit publishes none: add a node_port"
                                + " to reach it from the host");
                return;
            }
            List<Integer> targets = portRange(text.substring(colon + 1), where);
            String hostPart = text.substring(0, colon);
            int hostColon = hostPart.lastIndexOf(':');
            if (hostColon >= 0) {
                hostIp(hostPart.substring(0, hostColon), where);
                hostPart = hostPart.substring(hostColon + 1);
            }
            if (hostPart.isEmpty()) {
                targets.forEach(port -> addPort(port, null, "tcp", false));
                warn(where, "published on a random host port by Compose; Orbit publishes none: add a node_port");
                return;
            }
            List<Integer> published = portRange(hostPart, where);
            if (published.size() != targets.size()) {
                throw new InteropException(project.file + ": " + path + "." + where + ": '" + scalar(entry)
                        + "' maps " + published.size() + " host port(s) to " + targets.size()
                        + " container port(s); give ranges of the same length");
            }
            for (int i = 0; i < targets.size(); i++) {
                addPort(targets.get(i), published.get(i), protocol, true);
            }
        }

        private void hostIp(String address, String where) {
            String plain = address.replace("[", "").replace("]", "");
            if (!plain.equals("0.0.0.0") && !plain.equals("::") && !plain.isEmpty()) {
                warn(
                        where,
                        "published on " + address + " only in Compose; Orbit's proxy listens on the daemon's"
                                + " --proxy-address for every node_port (pass --proxy-address " + plain + " to match)");
            }
        }

        private void addPort(int port, @Nullable Integer published, @Nullable String protocol, boolean publish) {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("port", port);
            boolean udp = "udp".equalsIgnoreCase(protocol);
            if (publish && published != null) {
                if (udp) {
                    node.put("target_port", published);
                    warn(
                            "ports",
                            "UDP port " + published + ": Orbit's proxy speaks HTTP over TCP, so it is published"
                                    + " as a target_port (one pod only) rather than a node_port");
                } else {
                    node.put("node_port", published);
                }
            }
            if (udp) {
                node.put("protocol", "UDP");
            } else if (protocol != null && !protocol.equalsIgnoreCase("tcp")) {
                warn("ports", "protocol '" + protocol + "' is not TCP or UDP; written as TCP");
            }
            for (ObjectNode existing : ports) {
                if (existing.equals(node)) {
                    return;
                }
            }
            ports.add(node);
        }

        private List<Integer> portRange(String text, String where) {
            String[] parts = text.strip().split("-", -1);
            try {
                int from = Integer.parseInt(parts[0].strip());
                int to = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : from;
                if (parts.length > 2 || from < 1 || to > 65535 || to < from || to - from > 100) {
                    throw new NumberFormatException();
                }
                List<Integer> range = new ArrayList<>();
                for (int port = from; port <= to; port++) {
                    range.add(port);
                }
                return range;
            } catch (NumberFormatException e) {
                throw new InteropException(project.file + ": " + path + "." + where + ": '" + text
                        + "' is not a port (1-65535) or a range of at most 100 (8000-8010)");
            }
        }

        private void volume(JsonNode entry, String where) {
            String type;
            String source;
            String target;
            boolean readOnly;
            if (entry.isObject()) {
                type = entry.path("type").asText("volume");
                source = entry.path("source").asText("");
                target = entry.path("target").asText("");
                readOnly = entry.path("read_only").asBoolean(false);
                entry.fieldNames().forEachRemaining(name -> {
                    if (!Set.of("type", "source", "target", "read_only").contains(name)) {
                        warn(where + "." + name, "Orbit mounts have no such option; not carried over");
                    }
                });
            } else {
                String[] parts = scalar(entry).split(":", -1);
                if (parts.length == 1) {
                    source = "";
                    target = parts[0];
                } else {
                    source = parts[0];
                    target = parts[1];
                }
                readOnly = false;
                if (parts.length == 3) {
                    for (String option : parts[2].split(",")) {
                        if (option.equals("ro")) {
                            readOnly = true;
                        } else if (!option.equals("rw")) {
                            warn(where, "mount option '" + option + "' has no Orbit equivalent; not carried over");
                        }
                    }
                } else if (parts.length > 3) {
                    throw new InteropException(project.file + ": " + path + "." + where + ": '" + scalar(entry)
                            + "' is not SOURCE:TARGET[:MODE]");
                }
                type = source.isEmpty()
                        ? "volume"
                        : source.startsWith(".") || source.startsWith("/") || source.startsWith("~")
                                ? "bind"
                                : "volume";
            }
            if (!target.startsWith("/")) {
                throw new InteropException(project.file + ": " + path + "." + where + ": the target '" + target
                        + "' must be an absolute path in the container");
            }
            ObjectNode mount = JsonNodeFactory.instance.objectNode();
            switch (type) {
                case "bind" -> {
                    if (source.startsWith("~")) {
                        source = System.getProperty("user.home") + source.substring(1);
                    }
                    Path hostPath = project.resolve(source);
                    String key = uniqueVolume(plainName(Optional.ofNullable(hostPath.getFileName())
                            .map(Path::toString)
                            .orElse("root")));
                    volumes.put(key, JsonNodeFactory.instance.objectNode().put("host_path", hostPath.toString()));
                    mount.put("name", key);
                }
                case "volume" -> {
                    if (source.isEmpty()) {
                        warn(
                                where,
                                "an anonymous volume: Orbit has none; not carried over (name it, e.g. 'data:" + target
                                        + "', to keep its data)");
                        return;
                    }
                    JsonNode definition = project.topVolumes.path(source);
                    if (definition.isMissingNode() && !project.topVolumes.has(source)) {
                        warn(
                                where,
                                "volume '" + source + "' is not defined under the top-level volumes; imported as"
                                        + " a named volume all the same");
                    }
                    String engineName = definition.hasNonNull("name")
                            ? definition.get("name").asText()
                            : definition.path("external").asBoolean(false) ? source : project.project + "_" + source;
                    ObjectNode named = JsonNodeFactory.instance.objectNode();
                    named.put("name", engineName);
                    if (definition.path("labels").isObject()
                            || definition.path("labels").isArray()) {
                        named.set("labels", stringMap(definition.get("labels")));
                    }
                    if (definition.path("driver_opts").isObject()) {
                        named.set("driver_opts", stringMap(definition.get("driver_opts")));
                    }
                    if (definition.hasNonNull("driver")
                            && !definition.get("driver").asText().equals("local")) {
                        warn(
                                where,
                                "volume '" + source + "' uses driver '"
                                        + definition.get("driver").asText() + "'; Orbit creates local volumes");
                    }
                    String key = uniqueVolume(plainName(source));
                    volumes.put(key, JsonNodeFactory.instance.objectNode().set("named_volume", named));
                    mount.put("name", key);
                }
                default -> {
                    warn(
                            where,
                            "a " + type + " mount: Orbit mounts host paths, named volumes and inline files"
                                    + " only; not carried over");
                    return;
                }
            }
            mount.put("mount_path", target);
            mount.put("read_only", readOnly);
            mounts.add(mount);
        }

        private void config(JsonNode entry, String where, boolean secret) {
            String kind = secret ? "secret" : "config";
            String source = entry.isObject() ? entry.path("source").asText("") : scalar(entry);
            JsonNode definition = (secret ? project.topSecrets : project.topConfigs).path(source);
            String target = entry.isObject() && entry.hasNonNull("target")
                    ? entry.get("target").asText()
                    : (secret ? "/run/secrets/" : "/") + source;
            if (!target.startsWith("/")) {
                target = (secret ? "/run/secrets/" : "/") + target;
            }
            String content;
            if (definition.hasNonNull("content")) {
                content = definition.get("content").asText();
            } else if (definition.hasNonNull("file")) {
                content = project.readRelative(definition.get("file").asText(), kind + "s." + source + ".file");
            } else if (definition.hasNonNull("environment")) {
                String variable = definition.get("environment").asText();
                content = project.variables.getOrDefault(variable, "");
                if (!project.variables.containsKey(variable)) {
                    warn(where, kind + " '" + source + "' reads " + variable + ", which is not set; written empty");
                }
            } else {
                warn(
                        where,
                        kind + " '" + source + "' is "
                                + (definition.path("external").asBoolean(false) ? "external" : "not defined")
                                + "; Orbit needs its content inline: not carried over");
                return;
            }
            if (secret) {
                warn(
                        where,
                        "secret '" + source + "' becomes an inline file: its content is now in the service file"
                                + " (keep that file private)");
            }
            if (entry.isObject()) {
                for (String option : List.of("uid", "gid")) {
                    if (entry.has(option)) {
                        warn(where + "." + option, "Orbit writes inline files as the daemon's user; not carried over");
                    }
                }
            }
            int slash = target.lastIndexOf('/');
            String fileName = target.substring(slash + 1);
            ObjectNode files = JsonNodeFactory.instance.objectNode();
            files.put(fileName, content);
            ObjectNode volume = JsonNodeFactory.instance.objectNode();
            volume.set("files", files);
            if (entry.isObject() && entry.has("mode")) {
                JsonNode mode = entry.get("mode");
                volume.put(
                        "permissions",
                        String.format(
                                "%04o",
                                mode.isIntegralNumber()
                                        ? mode.asInt()
                                        : Integer.parseInt(mode.asText().replaceFirst("^0o?", "0"), 8)));
            }
            String key = uniqueVolume(plainName(kind + "-" + source));
            volumes.put(key, volume);
            ObjectNode mount = JsonNodeFactory.instance.objectNode();
            mount.put("name", key);
            mount.put("mount_path", target);
            mount.put("sub_path", fileName);
            mounts.add(mount);
        }

        private void deploy(JsonNode deploy) {
            deploy.properties().forEach(entry -> {
                String key = "deploy." + entry.getKey();
                JsonNode value = entry.getValue();
                switch (entry.getKey()) {
                    case "replicas" -> replicas = count(value, key);
                    case "resources" ->
                        value.properties().forEach(resource -> {
                            String where = key + "." + resource.getKey();
                            if (resource.getKey().equals("limits")) {
                                resource.getValue().properties().forEach(limit -> {
                                    switch (limit.getKey()) {
                                        case "memory" -> memory(limit.getValue(), where + ".memory");
                                        case "cpus" -> cpus(limit.getValue(), where + ".cpus");
                                        default ->
                                            warn(
                                                    where + "." + limit.getKey(),
                                                    "Orbit limits memory and CPU only; not" + " carried over");
                                    }
                                });
                            } else {
                                warn(
                                        where,
                                        "Orbit sets limits only (reservations are a scheduler's business); not"
                                                + " carried over");
                            }
                        });
                    case "update_config" -> updateConfig(value, key);
                    case "rollback_config" ->
                        warn(
                                key,
                                "Orbit rolls a failed update back by itself: it removes the new pods, and the old"
                                        + " ones, never stopped before their successors were ready, keep serving");
                    case "restart_policy" -> {
                        String condition = value.path("condition").asText("any");
                        if (!condition.equals("any")) {
                            warn(
                                    key,
                                    "Orbit restarts every container that exits (with back-off); condition '" + condition
                                            + "' is not carried over");
                        } else if (value.size() > 1) {
                            warn(
                                    key,
                                    "Orbit's restart back-off is fixed (1 s doubling to 5 min); delay, max_attempts"
                                            + " and window are not carried over");
                        }
                    }
                    case "mode" -> {
                        if (!value.asText().equals("replicated")) {
                            warn(
                                    key,
                                    "Orbit runs on one host: mode '" + value.asText() + "' is imported as one"
                                            + " replica");
                        }
                    }
                    default -> warn(key, "a cluster scheduling option: Orbit runs on one host; not carried over");
                }
            });
        }

        private void updateConfig(JsonNode config, String key) {
            int parallelism = config.path("parallelism").asInt(1);
            // 0 means all at once: the replica count, known once every field of the service was read.
            allAtOnce = parallelism == 0;
            String order = config.path("order").asText("stop-first");
            ObjectNode update = JsonNodeFactory.instance.objectNode();
            if (order.equals("start-first")) {
                update.put("max_surge", Math.min(255, Math.max(1, parallelism)));
                update.put("max_unavailable", 0);
            } else {
                update.put("max_surge", 0);
                update.put("max_unavailable", Math.min(255, Math.max(1, parallelism)));
            }
            String timeout = "300s";
            if (config.hasNonNull("monitor")) {
                Optional<Long> monitor =
                        ComposeUnits.millis(config.get("monitor").asText());
                if (monitor.isPresent() && monitor.get() > 0) {
                    timeout = ComposeUnits.humantime(monitor.get());
                }
            }
            update.put("timeout", timeout);
            rollingUpdate = update;
            config.fieldNames().forEachRemaining(name -> {
                switch (name) {
                    case "parallelism", "order", "monitor" -> {}
                    case "failure_action" -> {
                        if (!config.get(name).asText().equals("rollback")) {
                            warn(
                                    key + "." + name,
                                    "Orbit always rolls a failed update back; '"
                                            + config.get(name).asText() + "' is not carried over");
                        }
                    }
                    default -> warn(key + "." + name, "Orbit's rolling update has no " + name + "; not carried over");
                }
            });
        }

        private void healthCheck(JsonNode check) {
            if (check.path("disable").asBoolean(false)) {
                return;
            }
            JsonNode test = check.path("test");
            List<String> argv;
            boolean shell;
            if (test.isArray() && !test.isEmpty()) {
                String form = test.get(0).asText();
                if (form.equals("NONE")) {
                    return;
                }
                List<String> rest = new ArrayList<>();
                for (int i = 1; i < test.size(); i++) {
                    rest.add(test.get(i).asText());
                }
                if (form.equals("CMD")) {
                    argv = rest;
                    shell = false;
                } else if (form.equals("CMD-SHELL")) {
                    argv = List.of(String.join(" ", rest));
                    shell = true;
                } else {
                    throw new InteropException(project.file + ": " + path + ".healthcheck.test: starts with '" + form
                            + "'; Compose accepts CMD, CMD-SHELL or NONE");
                }
            } else if (test.isTextual()) {
                argv = List.of(test.asText());
                shell = true;
            } else {
                warn(
                        "healthcheck",
                        "has no test (it would inherit the image's HEALTHCHECK, which Orbit does not"
                                + " run); not carried over");
                return;
            }
            Optional<List<String>> simple = shell ? HealthProbes.simpleShellCommand(argv.get(0)) : Optional.of(argv);
            Optional<HealthProbes.Probe> probe = simple.flatMap(HealthProbes::recognise);
            long interval = durationField(check, "interval").orElse(30_000L);
            long timeout = durationField(check, "timeout").orElse(30_000L);
            long startPeriod = durationField(check, "start_period").orElse(0L);
            int retries = check.path("retries").asInt(3);
            ObjectNode health = JsonNodeFactory.instance.objectNode();
            health.put("startup_timeout", ComposeUnits.humantime(startPeriod + interval * Math.max(1, retries)));
            if (check.has("interval") && interval > 0) {
                health.put("liveness_period", ComposeUnits.humantime(interval));
            }
            if (check.has("retries")) {
                health.put("liveness_failure_threshold", Math.max(1, retries));
            }
            ObjectNode probeNode;
            if (probe.isPresent() && probe.get() instanceof HealthProbes.Http http) {
                probeNode = health.putObject("http_check");
                probeNode.put("port", http.port());
                probeNode.put("path", http.path());
                if (http.anyStatus()) {
                    probeNode.put("expected_status", "100-599");
                }
                ensurePort(http.port());
            } else if (probe.isPresent() && probe.get() instanceof HealthProbes.Tcp tcp) {
                probeNode = health.putObject("tcp_check");
                probeNode.put("port", tcp.port());
                ensurePort(tcp.port());
            } else {
                probeNode = health.putObject("exec_check");
                ArrayNode commandNode = probeNode.putArray("command");
                if (shell) {
                    commandNode.add("/bin/sh").add("-c").add(argv.get(0));
                } else {
                    argv.forEach(commandNode::add);
                }
            }
            if (check.has("timeout") && timeout > 0) {
                probeNode.put("timeout", ComposeUnits.humantime(timeout));
            }
            if (check.has("start_interval")) {
                warn(
                        "healthcheck.start_interval",
                        "Orbit probes a starting container every 500 ms; not carried" + " over");
            }
            healthCheck = health;
        }

        private Optional<Long> durationField(JsonNode check, String field) {
            if (!check.hasNonNull(field)) {
                return Optional.empty();
            }
            Optional<Long> millis = ComposeUnits.millis(scalar(check.get(field)));
            if (millis.isEmpty()) {
                throw new InteropException(project.file + ": " + path + ".healthcheck." + field + ": '"
                        + scalar(check.get(field)) + "' is not a duration (30s, 1m30s, 500ms)");
            }
            return millis;
        }

        private void ensurePort(int port) {
            for (ObjectNode existing : ports) {
                if (existing.path("port").asInt() == port) {
                    return;
                }
            }
            addPort(port, null, null, false);
        }

        private void networks(JsonNode value) {
            List<String> names = new ArrayList<>();
            if (value.isArray()) {
                value.forEach(n -> names.add(n.asText()));
            } else if (value.isObject()) {
                value.properties().forEach(entry -> {
                    names.add(entry.getKey());
                    if (entry.getValue().isObject() && !entry.getValue().isEmpty()) {
                        warn(
                                "networks." + entry.getKey(),
                                "Orbit gives a container the alias {service}-{container}" + " on its network; "
                                        + fieldNames(entry.getValue()) + " not carried over");
                    }
                });
            }
            if (names.isEmpty()) {
                return;
            }
            String first = names.get(0);
            JsonNode definition = project.topNetworks.path(first);
            network = definition.hasNonNull("name")
                    ? definition.get("name").asText()
                    : definition.path("external").asBoolean(false) ? first : project.project + "_" + first;
            if (names.size() > 1) {
                warn(
                        "networks",
                        "an Orbit pod joins one network: joined '" + first + "' (as '" + network + "'); "
                                + names.subList(1, names.size()) + " not carried over");
            }
        }

        private void restart(String policy, String key) {
            if (!policy.equals("always") && !policy.equals("unless-stopped")) {
                warn(
                        key,
                        "Orbit restarts every container that exits (with back-off), as 'always'; '" + policy
                                + "' is not carried over");
            }
        }

        private void pullPolicy(String policy, String key) {
            switch (policy) {
                case "always", "daily", "weekly" -> {
                    pullPolicy = "Always";
                    if (!policy.equals("always")) {
                        warn(
                                key,
                                "Orbit pulls on every image check (image_check_interval) with Always; '" + policy
                                        + "' became Always");
                    }
                }
                case "never" -> pullPolicy = "Never";
                default -> {
                    pullPolicy = "Never";
                    warn(
                            key,
                            "'" + policy + "' has no Orbit equivalent: Never (the default) uses the local image;"
                                    + " pull it first, or use Always");
                }
            }
        }

        private void memory(JsonNode value, String key) {
            Optional<String> converted = ComposeUnits.memory(scalar(value));
            if (converted.isEmpty()) {
                throw new InteropException(project.file + ": " + path + "." + key + ": '" + scalar(value)
                        + "' is not a memory size (512m, 1g, or bytes)");
            }
            memory = converted.get();
        }

        private void cpus(JsonNode value, String key) {
            try {
                cpus = Double.parseDouble(scalar(value));
            } catch (NumberFormatException e) {
                throw new InteropException(project.file + ": " + path + "." + key + ": '" + scalar(value)
                        + "' is not a number of CPUs (0.5, 2)");
            }
        }

        private int count(JsonNode value, String key) {
            try {
                int count = Integer.parseInt(scalar(value));
                if (count < 0 || count > 255) {
                    throw new NumberFormatException();
                }
                return count;
            } catch (NumberFormatException e) {
                throw new InteropException(project.file + ": " + path + "." + key + ": '" + scalar(value)
                        + "' is not a replica count from 0 to 255 (Orbit's limit)");
            }
        }

        private String uniqueVolume(String base) {
            String key = base;
            for (int i = 2; volumes.containsKey(key); i++) {
                key = base + "-" + i;
            }
            return key;
        }

        private ObjectNode stringMap(JsonNode value) {
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
    }

    private static String scalar(JsonNode node) {
        if (node.isContainerNode()) {
            throw new InteropException("expected a single value, got " + node);
        }
        return node.isNull() ? "" : node.asText();
    }

    private static Optional<String> text(@Nullable JsonNode node) {
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    private static String fieldNames(JsonNode value) {
        List<String> names = new ArrayList<>();
        if (value.isObject()) {
            value.fieldNames().forEachRemaining(names::add);
        } else if (value.isArray()) {
            value.forEach(item -> names.add(item.asText().split("=", 2)[0]));
        }
        return names.isEmpty() ? "(none)" : String.join(", ", names);
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
    private static String plainName(String name) {
        String plain = name.replaceAll("[^A-Za-z0-9_.-]", "-");
        return plain.isEmpty() || plain.equals(".") || plain.equals("..") ? "volume" : plain;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
