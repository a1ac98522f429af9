package io.orbit.interop.swarm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.Units;
import io.orbit.interop.Warning;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** One Orbit service as Swarm services (one per container) of the stack's Compose file. */
final class SwarmServiceExport {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    final ServiceDefinition service;
    final ServiceSpec spec;
    private final List<Warning> warnings;
    final String configDirectory;
    final Map<String, ObjectNode> configs;
    final Map<String, ObjectNode> volumes;
    final Map<String, String> files;
    private final String file;

    SwarmServiceExport(
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
                    "the stack's services share the stack's overlay network; '" + spec.network() + "' is not created");
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

    /**
     * File secrets as Swarm secrets: external ones named {@code <service>-<secret>} (created by hand, so the value
     * never passes through the export), mounted with their target, owner and mode.
     */
    private void secrets(ObjectNode node, String field, ContainerDefinition container) {
        if (container.secrets().files().isEmpty()) {
            return;
        }
        ArrayNode secrets = node.putArray("secrets");
        for (var file : container.secrets().files()) {
            secrets.addObject()
                    .put("source", SwarmExporter.secretName(service.name(), file.secret()))
                    .put("target", file.target())
                    .put("uid", Integer.toString(file.uid()))
                    .put("gid", Integer.toString(file.gid()))
                    .put("mode", file.mode());
        }
        warn(
                field + ".secrets",
                "mounted from external Swarm secrets, never the values: create each before deploying with printf"
                        + " '%s' VALUE | docker secret create " + SwarmExporter.secretName(service.name(), "NAME")
                        + " -");
    }

    /** The variables; env_file and as: env values are never written: placeholders, with a warning on filling them. */
    private void environment(ObjectNode node, String field, ContainerDefinition container) {
        if (container.env().isEmpty() && container.secrets().env().isEmpty()) {
            return;
        }
        ObjectNode env = node.putObject("environment");
        TreeMap<String, String> variables = new TreeMap<>(container.env());
        container.secrets().env().keySet().forEach(name -> variables.put(name, "<fill in: " + name + ">"));
        variables.forEach(env::put);
        if (!container.secrets().env().isEmpty()) {
            warn(
                    field + ".env_file",
                    "variables from env_file and secrets as: env are placeholders (<fill in: NAME>), never the"
                            + " values; put the values in before deploying, or use an env_file: of Compose's");
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
        environment(node, field, container);
        secrets(node, field, container);
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
        new SwarmMounts(this).mounts(node, field, template);
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
                                        .set("aliases", F.arrayNode().add(service.name() + "-" + container.name()))));
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
                    .map(SwarmServiceExport::shellQuote)
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
