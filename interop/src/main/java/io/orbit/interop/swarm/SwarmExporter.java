package io.orbit.interop.swarm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.Units;
import io.orbit.interop.InteropException;
import io.orbit.interop.Warning;
import io.orbit.interop.YamlOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

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
            new ServiceExport(service, warnings, configDirectory, configs, volumes, files).run(swarmServices);
        }
        if (!volumes.isEmpty()) {
            volumes.forEach(root.putObject("volumes")::set);
        }
        if (!configs.isEmpty()) {
            configs.forEach(root.putObject("configs")::set);
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

    private static final class ServiceExport {
        private final ServiceDefinition service;
        private final ServiceSpec spec;
        private final List<Warning> warnings;
        private final String configDirectory;
        private final Map<String, ObjectNode> configs;
        private final Map<String, ObjectNode> volumes;
        private final Map<String, String> files;
        private final String file;

        ServiceExport(
                ServiceDefinition service,
                List<Warning> warnings,
                String configDirectory,
                Map<String, ObjectNode> configs,
                Map<String, ObjectNode> volumes,
                Map<String, String> files) {
            this.service = service;
            this.spec = service.spec();
            this.warnings = warnings;
            this.configDirectory = configDirectory;
            this.configs = configs;
            this.volumes = volumes;
            this.files = files;
            this.file = service.file().toString();
        }

        void warn(String field, String message) {
            warnings.add(new Warning(file, field, message));
        }

        void run(ObjectNode swarmServices) {
            boolean several = service.containers().size() > 1;
            if (several) {
                warn(
                        "spec.containers",
                        "a Swarm task is one container: each container is a service of its own ("
                                + service.containers().stream()
                                        .map(c -> service.name() + "-" + c.name())
                                        .collect(Collectors.joining(", "))
                                + "), scheduled and scaled separately; they reach each other by those names as before");
            }
            if (spec.network() != null) {
                warn(
                        "network",
                        "the stack's services share the stack's overlay network; '" + spec.network()
                                + "' is not created");
            }
            if (spec.resourceThresholds() != null || spec.codel() != null || spec.autoscaling() != null) {
                warn(
                        "resource_thresholds",
                        "Swarm does not autoscale: the service runs instance_count.min (" + service.minInstances()
                                + ") replicas; `docker service scale` changes that");
            }
            if (service.minInstances() == 0) {
                warn("instance_count.min", "0 replicas: the service is created but runs nothing until scaled");
            }
            if (spec.pullPolicy() == ServiceSpec.PullPolicy.Always || spec.imageCheckInterval() != null) {
                warn(
                        "pull_policy",
                        "Swarm resolves the image when the stack is deployed; a new image under the same"
                                + " tag is rolled out by deploying again (or `docker service update --force`)");
            }
            for (int i = 0; i < service.containers().size(); i++) {
                ContainerDefinition container = service.containers().get(i);
                String name = several ? service.name() + "-" + container.name() : service.name();
                swarmServices.set(name, container(i, container));
            }
        }

        private ObjectNode container(int index, ContainerDefinition container) {
            String field = "spec.containers[" + index + "]";
            ContainerTemplate template = container.template();
            ObjectNode node = F.objectNode();
            node.put("image", container.image());
            if (!container.command().isEmpty()) {
                ArrayNode command = node.putArray("command");
                container.command().forEach(command::add);
            }
            if (!container.env().isEmpty()) {
                ObjectNode env = node.putObject("environment");
                new TreeMap<>(container.env()).forEach(env::put);
            }
            ArrayNode ports = F.arrayNode();
            for (int p = 0; p < container.ports().size(); p++) {
                ContainerTemplate.PortSpec port = container.ports().get(p);
                Integer published = port.nodePort() != null ? port.nodePort() : port.targetPort();
                if (published == null) {
                    continue;
                }
                ObjectNode entry = ports.addObject();
                entry.put("target", port.port());
                entry.put("published", published);
                entry.put("protocol", port.protocol() == ContainerTemplate.Protocol.UDP ? "udp" : "tcp");
                entry.put("mode", port.nodePort() != null ? "ingress" : "host");
                if (port.nodePort() != null) {
                    warn(
                            field + ".ports[" + p + "].node_port",
                            "published in ingress mode: Swarm's routing mesh"
                                    + " balances connections (IPVS, layer 4) over the tasks instead of Orbit's HTTP proxy");
                }
            }
            if (!ports.isEmpty()) {
                node.set("ports", ports);
            }
            if (container.privileged()) {
                warn(field + ".privileged", "Swarm services cannot run privileged; not exported");
            }
            mounts(node, field, template);
            if (template.networkLimit() != null) {
                warn(field + ".network_limit", "Swarm has no bandwidth limit; not exported");
            }
            if (template.healthCheck() != null) {
                healthCheck(node, field + ".health_check", template.healthCheck());
            }
            node.set(
                    "networks",
                    F.objectNode()
                            .set(
                                    "default",
                                    F.objectNode()
                                            .set(
                                                    "aliases",
                                                    F.arrayNode().add(service.name() + "-" + container.name()))));
            node.set("deploy", deploy(container));
            return node;
        }

        private ObjectNode deploy(ContainerDefinition container) {
            ObjectNode deploy = F.objectNode();
            deploy.put("mode", "replicated");
            deploy.put("replicas", service.minInstances());
            if (container.memoryBytes() > 0 || container.nanoCpus() > 0) {
                ObjectNode limits = deploy.putObject("resources").putObject("limits");
                if (container.nanoCpus() > 0) {
                    limits.put(
                            "cpus",
                            BigDecimal.valueOf(container.nanoCpus(), 9)
                                    .stripTrailingZeros()
                                    .toPlainString());
                }
                if (container.memoryBytes() > 0) {
                    limits.put("memory", memory(container.memoryBytes()));
                }
            }
            ServiceSpec.RollingUpdateConfig update = spec.rollingUpdateConfig();
            int surge = update == null || update.maxSurge() == null ? 1 : update.maxSurge();
            int unavailable = update == null || update.maxUnavailable() == null ? 1 : update.maxUnavailable();
            String monitor = humantime(update == null ? null : update.timeout(), Duration.ofSeconds(300));
            ObjectNode updateConfig = deploy.putObject("update_config");
            if (surge > 0) {
                updateConfig.put("parallelism", surge);
                updateConfig.put("order", "start-first");
            } else {
                updateConfig.put("parallelism", unavailable);
                updateConfig.put("order", "stop-first");
            }
            updateConfig.put("failure_action", "rollback");
            updateConfig.put("monitor", monitor);
            updateConfig.put("delay", "0s");
            ObjectNode rollback = deploy.putObject("rollback_config");
            rollback.put("parallelism", surge > 0 ? surge : unavailable);
            rollback.put("order", surge > 0 ? "start-first" : "stop-first");
            rollback.put("failure_action", "pause");
            if (surge > 0 && unavailable > 0) {
                warn(
                        "rolling_update_config.max_unavailable",
                        "Swarm's start-first update starts max_surge ("
                                + surge + ") new tasks before it stops as many old ones; max_unavailable has no"
                                + " counterpart");
            }
            ObjectNode restart = deploy.putObject("restart_policy");
            restart.put("condition", "any");
            return deploy;
        }

        private void mounts(ObjectNode node, String field, ContainerTemplate template) {
            ArrayNode volumeMounts = F.arrayNode();
            ArrayNode configMounts = F.arrayNode();
            for (int m = 0; m < template.volumeMountsOrEmpty().size(); m++) {
                ContainerTemplate.VolumeMount mount =
                        template.volumeMountsOrEmpty().get(m);
                String where = field + ".volume_mounts[" + m + "]";
                ServiceSpec.VolumeData volume = spec.volumesOrEmpty().get(mount.name());
                if (volume == null) {
                    continue; // the validator rejects it; nothing to export
                }
                if (volume.hostPath() != null) {
                    warn(
                            where,
                            "a bind mount of " + volume.hostPath() + ": it must exist on every node a task may"
                                    + " run on");
                    ObjectNode bind = volumeMounts.addObject();
                    bind.put("type", "bind");
                    bind.put(
                            "source",
                            mount.subPath() == null ? volume.hostPath() : volume.hostPath() + "/" + mount.subPath());
                    bind.put("target", mount.mountPath());
                    bind.put("read_only", mount.isReadOnly());
                } else if (volume.files() != null) {
                    configMounts(configMounts, where, mount, volume);
                } else if (volume.namedVolume() != null) {
                    namedVolumeMount(volumeMounts, where, mount, volume.namedVolume());
                }
            }
            if (!volumeMounts.isEmpty()) {
                node.set("volumes", volumeMounts);
            }
            if (!configMounts.isEmpty()) {
                node.set("configs", configMounts);
            }
        }

        /** Inline files: one Swarm config per file, written beside the stack file. */
        private void configMounts(
                ArrayNode configMounts,
                String where,
                ContainerTemplate.VolumeMount mount,
                ServiceSpec.VolumeData volume) {
            List<String> names = mount.subPath() != null
                    ? List.of(mount.subPath())
                    : new ArrayList<>(new TreeMap<>(volume.files()).keySet());
            if (!mount.isReadOnly()) {
                warn(where + ".read_only", "Swarm configs are read-only files");
            }
            for (String name : names) {
                String config = service.name() + "-" + mount.name() + "-" + name.replace('.', '-');
                String path = configDirectory + "/" + service.name() + "/" + mount.name() + "/" + name;
                files.put(path, volume.files().get(name));
                configs.put(config, F.objectNode().put("file", "./" + path));
                ObjectNode entry = configMounts.addObject();
                entry.put("source", config);
                entry.put("target", mount.subPath() != null ? mount.mountPath() : mount.mountPath() + "/" + name);
                entry.put("mode", Integer.parseInt(volume.permissions() == null ? "0644" : volume.permissions(), 8));
            }
        }

        /** A named volume: local to each node, which the warning says. */
        private void namedVolumeMount(
                ArrayNode volumeMounts,
                String where,
                ContainerTemplate.VolumeMount mount,
                ServiceSpec.NamedVolume named) {
            ObjectNode definition = F.objectNode();
            definition.put("name", named.name());
            if (named.labels() != null && !named.labels().isEmpty()) {
                new TreeMap<>(named.labels()).forEach(definition.putObject("labels")::put);
            }
            if (named.driverOpts() != null && !named.driverOpts().isEmpty()) {
                new TreeMap<>(named.driverOpts()).forEach(definition.putObject("driver_opts")::put);
            }
            String key = named.name().replaceAll("[^A-Za-z0-9_-]", "_");
            volumes.put(key, definition);
            ObjectNode entry = volumeMounts.addObject();
            entry.put("type", "volume");
            entry.put("source", key);
            entry.put("target", mount.mountPath());
            entry.put("read_only", mount.isReadOnly());
            warn(where, "a named volume is local to each node: a task on another node starts with an" + " empty one");
        }

        private void healthCheck(ObjectNode node, String field, ContainerTemplate.HealthCheck check) {
            List<String> commands = new ArrayList<>();
            @Nullable String timeout = null;
            if (check.httpCheck() != null) {
                ContainerTemplate.HttpCheck http = check.httpCheck();
                commands.add("wget -q -O /dev/null "
                        + shellQuote("http://127.0.0.1:" + http.port() + (http.path() == null ? "/" : http.path())));
                timeout = http.timeout();
                warn(
                        field + ".http_check",
                        "Swarm runs checks inside the container: written as a wget command,"
                                + " so the image needs wget (busybox has it); wget fails on 4xx/5xx, whatever"
                                + " expected_status says");
            }
            if (check.tcpCheck() != null) {
                commands.add("nc -z 127.0.0.1 " + check.tcpCheck().port());
                timeout = timeout != null ? timeout : check.tcpCheck().timeout();
                warn(
                        field + ".tcp_check",
                        "Swarm runs checks inside the container: written as `nc -z`, so the" + " image needs nc");
            }
            if (check.execCheck() != null) {
                commands.add(check.execCheck().command().stream()
                        .map(ServiceExport::shellQuote)
                        .collect(Collectors.joining(" ")));
                timeout = timeout != null ? timeout : check.execCheck().timeout();
            }
            if (commands.isEmpty()) {
                return;
            }
            ObjectNode health = node.putObject("healthcheck");
            ArrayNode test = health.putArray("test");
            test.add("CMD-SHELL").add(String.join(" && ", commands));
            health.put("interval", humantime(check.livenessPeriod(), Duration.ofSeconds(10)));
            health.put("timeout", humantime(timeout, Duration.ofSeconds(5)));
            health.put("retries", check.livenessFailureThreshold() == null ? 3 : check.livenessFailureThreshold());
            health.put("start_period", humantime(check.startupTimeout(), Duration.ofSeconds(30)));
        }

        private static String shellQuote(String word) {
            return word.matches("[A-Za-z0-9_@%+=:,./-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
        }
    }

    /** A duration as Go writes it for Compose: whole seconds as {@code 30s}, else milliseconds. */
    private static String humantime(@Nullable String value, Duration fallback) {
        long millis = (value == null ? fallback : Units.duration(value)).toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static String memory(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "G";
        }
        if (bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + "M";
        }
        if (bytes % 1024 == 0) {
            return bytes / 1024 + "K";
        }
        return Long.toString(bytes);
    }
}
