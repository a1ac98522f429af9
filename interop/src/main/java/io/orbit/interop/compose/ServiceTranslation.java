package io.orbit.interop.compose;

import static io.orbit.interop.compose.ComposeNodes.dnsLabel;
import static io.orbit.interop.compose.ComposeNodes.fieldNames;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.interop.InteropException;
import io.orbit.interop.Warning;
import io.orbit.interop.compose.ComposeImporter.ImportedService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** One Compose service to one Orbit file: reads each field into a {@link ServiceDraft}, then writes the file. */
final class ServiceTranslation {

    /** What a translator does with one entry of a list field ({@code ports[2]}, {@code volumes[0]}). */
    interface EntryHandler {
        void handle(JsonNode entry, String where);
    }

    private final ComposeProject project;
    private final boolean shared;
    private final ServiceDraft draft;
    private final Environments environments;
    private final Ports ports;
    private final Mounts mounts;
    private final HealthChecks healthChecks;
    private final Deploys deploys;

    ServiceTranslation(ComposeProject project, String composeName, JsonNode service, boolean shared) {
        this.project = project;
        this.shared = shared;
        this.draft = new ServiceDraft(project, composeName, service);
        this.environments = new Environments(draft);
        this.ports = new Ports(draft);
        this.mounts = new Mounts(draft);
        this.healthChecks = new HealthChecks(draft, ports);
        this.deploys = new Deploys(draft);
    }

    ImportedService translate() {
        String composeName = draft.composeName;
        String name = dnsLabel(composeName, "service");
        if (!name.equals(composeName)) {
            draft.warn("", "Orbit service names are DNS labels (2-60 of a-z, 0-9, '-'): imported as '" + name + "'");
        }
        if (!draft.service.isObject()) {
            throw new InteropException(
                    project.file + ": " + draft.path + ": must be a mapping of the service's fields");
        }
        draft.service.properties().forEach(entry -> field(entry.getKey(), entry.getValue()));
        String image = draft.image;
        if (image == null) {
            throw new InteropException(project.file + ": " + draft.path + ": has no image (nor build); Orbit runs"
                    + " images: add 'image:'");
        }
        if (draft.network == null && shared) {
            draft.network = project.project + "_default";
        }
        List<String> users = project.referencesTo(composeName);
        if (shared && !users.isEmpty()) {
            draft.warn(
                    "",
                    "reached as '" + composeName + "' in " + String.join(", ", users) + "; under Orbit other"
                            + " services reach it on network '" + draft.network + "' as '" + name + "-main' (or"
                            + " through its node_port on the host): change those host names");
        }
        List<Warning> all = new ArrayList<>(project.projectWarnings);
        all.addAll(draft.warnings);
        return new ImportedService(name, name + ".yml", text(draft.toTree(name, image), name, all), all);
    }

    private String text(ObjectNode tree, String name, List<Warning> warnings) {
        StringBuilder text = new StringBuilder();
        text.append("# Imported by `orbit import compose` from ")
                .append(project.file)
                .append(", service '")
                .append(draft.composeName)
                .append("'.\n");
        if (!warnings.isEmpty()) {
            text.append("# Not carried over, or changed (")
                    .append(warnings.size())
                    .append("):\n");
            for (Warning warning : warnings) {
                for (String line : warning.toString().split("\n")) {
                    text.append("#   ").append(line).append('\n');
                }
            }
        }
        try {
            text.append(ComposeImporter.YAML.writeValueAsString(tree));
        } catch (IOException e) {
            throw new InteropException("cannot write service " + name + ": " + e.getMessage(), e);
        }
        return text.toString();
    }

    private void field(String key, JsonNode value) {
        switch (key) {
            case "image" -> draft.image = value.asText();
            case "build" -> build(key);
            case "command" -> draft.command = environments.words(value, key);
            case "entrypoint" -> {
                draft.entrypoint = environments.words(value, key);
                draft.warn(
                        key,
                        "Orbit's command replaces the image's CMD and keeps its ENTRYPOINT: the entrypoint is"
                                + " written as the start of 'command', which runs the same only if the image has no"
                                + " ENTRYPOINT of its own");
            }
            case "environment" -> environments.environment(value);
            case "env_file" -> environments.envFiles(value);
            case "ports" -> each(value, key, ports::entry);
            case "expose" -> each(value, key, ports::exposed);
            case "volumes" -> each(value, key, mounts::volume);
            case "configs" -> each(value, key, (entry, where) -> mounts.config(entry, where, false));
            case "secrets" -> each(value, key, (entry, where) -> mounts.config(entry, where, true));
            case "deploy" -> deploys.deploy(value);
            case "scale" -> draft.replicas = deploys.count(value, key);
            case "mem_limit" -> deploys.memory(value, key);
            case "cpus" -> deploys.cpus(value, key);
            case "healthcheck" -> healthChecks.healthCheck(value);
            case "networks" -> networks(value);
            case "restart" -> deploys.restart(value.asText(), key);
            case "privileged" -> draft.privileged = value.asBoolean();
            case "pull_policy" -> pullPolicy(value.asText(), key);
            default -> notCarriedOver(key, value);
        }
    }

    private void build(String key) {
        if (!draft.service.has("image")) {
            draft.image = project.project + "-" + draft.composeName;
            draft.warn(
                    key,
                    "Orbit does not build images: build and tag it as '" + draft.image
                            + "' first (docker compose build does), or set 'image:'");
        } else {
            draft.warn(
                    key,
                    "Orbit does not build images: build and tag '"
                            + draft.service.get("image").asText() + "' first");
        }
    }

    /** The fields Orbit has no place for: each gets a warning that says what to do instead. */
    private void notCarriedOver(String key, JsonNode value) {
        String why = switch (key) {
            case "depends_on" ->
                "Orbit starts every service on its own and does not order starts; a service must wait"
                        + " for (or retry) what it needs. A health_check keeps it out of traffic until ready";
            case "network_mode" ->
                "Orbit chooses the pod's network (its 'network:' or a bridge); '" + value.asText()
                        + "' is not carried over";
            case "labels" ->
                "Orbit sets its own container labels (orbit.*) and has no field for others; " + fieldNames(value)
                        + " not carried over";
            case "profiles" ->
                "Orbit has no profiles: the service is imported and runs whatever profile is active"
                        + " (remove its file to leave it out)";
            case "container_name" ->
                "Orbit names containers itself ({service}__{pod}__{container}__{uuid}); other"
                        + " containers reach it by its network alias instead";
            case "stop_grace_period" ->
                "Orbit drains a pod for the daemon's --drain-timeout (default 10s) before stopping it;"
                        + " set that flag instead";
            case "links", "external_links" -> "links are legacy; services reach each other on their shared network";
            default ->
                key.startsWith("x-")
                        ? "an extension field: ignored"
                        : "Orbit's service format has no such field; not carried over";
        };
        draft.warn(key, why);
    }

    private void each(JsonNode value, String key, EntryHandler handler) {
        if (!value.isArray()) {
            throw draft.error(key, "must be a list");
        }
        for (int i = 0; i < value.size(); i++) {
            handler.handle(value.get(i), key + "[" + i + "]");
        }
    }

    private void networks(JsonNode value) {
        List<String> names = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(n -> names.add(n.asText()));
        } else if (value.isObject()) {
            value.properties().forEach(entry -> {
                names.add(entry.getKey());
                if (entry.getValue().isObject() && !entry.getValue().isEmpty()) {
                    draft.warn(
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
        draft.network = definition.hasNonNull("name")
                ? definition.get("name").asText()
                : definition.path("external").asBoolean(false) ? first : project.project + "_" + first;
        if (names.size() > 1) {
            draft.warn(
                    "networks",
                    "an Orbit pod joins one network: joined '" + first + "' (as '" + draft.network + "'); "
                            + names.subList(1, names.size()) + " not carried over");
        }
    }

    private void pullPolicy(String policy, String key) {
        switch (policy) {
            case "always", "daily", "weekly" -> {
                draft.pullPolicy = "Always";
                if (!policy.equals("always")) {
                    draft.warn(
                            key,
                            "Orbit pulls on every image check (image_check_interval) with Always; '" + policy
                                    + "' became Always");
                }
            }
            case "never" -> draft.pullPolicy = "Never";
            default -> {
                draft.pullPolicy = "Never";
                draft.warn(
                        key,
                        "'" + policy + "' has no Orbit equivalent: Never (the default) uses the local image;"
                                + " pull it first, or use Always");
            }
        }
    }
}
