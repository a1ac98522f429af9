package io.orbit.interop.swarm;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.interop.InteropException;
import io.orbit.interop.Warning;
import io.orbit.interop.YamlOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code orbit export swarm}: a Compose file for {@code docker stack deploy}. A service of one container becomes one
 * Swarm service of the same name; a pod of several containers becomes one Swarm service per container ({@code
 * <service>-<container>}, Orbit's sibling alias), since a Swarm task is one container. {@code deploy} carries the
 * replicas ({@code min}), limits, a start-first update that rolls back on failure, and the health check; inline files
 * become configs (Docker's stack loader reads a config from a file, so they are written beside the Compose file).
 */
public final class SwarmExporter {

    /**
     * @param compose the Compose file's text
     * @param configFiles the inline files, by path relative to the Compose file's directory
     */
    public record SwarmExport(String compose, Map<String, String> configFiles, List<Warning> warnings) {
        public SwarmExport {
            configFiles = Map.copyOf(configFiles);
            warnings = List.copyOf(warnings);
        }
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final YAMLMapper YAML =
            YAMLMapper.builder(YamlOutput.factory()).build();

    /** The external Swarm secret standing for a service's secret. */
    static String secretName(String service, String secret) {
        return service + "-" + secret;
    }

    /** @param configDirectory where the inline files go, relative to the Compose file ({@code <stem>-configs}) */
    public SwarmExport export(List<ServiceDefinition> services, String configDirectory) {
        List<Warning> warnings = new ArrayList<>();
        ObjectNode root = F.objectNode();
        root.put("version", "3.8");
        ObjectNode swarmServices = root.putObject("services");
        TreeMap<String, ObjectNode> configs = new TreeMap<>();
        TreeMap<String, ObjectNode> volumes = new TreeMap<>();
        TreeMap<String, String> files = new TreeMap<>();
        for (ServiceDefinition service : services.stream()
                .sorted(Comparator.comparing(ServiceDefinition::name))
                .toList()) {
            new SwarmServiceExport(service, warnings, configDirectory, configs, volumes, files).run(swarmServices);
        }
        if (!volumes.isEmpty()) {
            volumes.forEach(root.putObject("volumes")::set);
        }
        if (!configs.isEmpty()) {
            configs.forEach(root.putObject("configs")::set);
        }
        TreeMap<String, ObjectNode> secrets = new TreeMap<>();
        services.forEach(service -> service.spec()
                .secretsOrEmpty()
                .keySet()
                .forEach(secret -> secrets.put(
                        secretName(service.name(), secret), F.objectNode().put("external", true))));
        if (!secrets.isEmpty()) {
            secrets.forEach(root.putObject("secrets")::set);
        }
        StringBuilder text = new StringBuilder("# Exported by `orbit export swarm` for `docker stack deploy"
                + " --resolve-image never -c FILE STACK`.\n");
        if (!warnings.isEmpty()) {
            text.append("# Not carried over, or changed (")
                    .append(warnings.size())
                    .append("):\n");
            warnings.forEach(warning -> text.append("#   ").append(warning).append('\n'));
        }
        try {
            text.append(YAML.writeValueAsString(root));
        } catch (IOException e) {
            throw new InteropException("cannot write the Compose file: " + e.getMessage(), e);
        }
        return new SwarmExport(text.toString(), files, warnings);
    }
}
