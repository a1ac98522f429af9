package io.orbit.engine.spec;

import io.orbit.engine.spec.ContainerTemplate.ExecCheck;
import io.orbit.engine.spec.ContainerTemplate.HealthCheck;
import io.orbit.engine.spec.ContainerTemplate.HttpCheck;
import io.orbit.engine.spec.ContainerTemplate.NetworkLimit;
import io.orbit.engine.spec.ContainerTemplate.PortSpec;
import io.orbit.engine.spec.ContainerTemplate.TcpCheck;
import io.orbit.engine.spec.ContainerTemplate.VolumeMount;
import io.orbit.engine.spec.ServiceSpec.VolumeData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The rules for one entry of {@code spec.containers}. */
final class ContainerRules {

    private final ContainerTemplate container;
    private final String path;
    private final ServiceSpec service;
    private final int apiPort;
    private final ProblemList problems;
    private final ServiceRules.PortRegistry hostPorts;

    ContainerRules(
            ContainerTemplate container,
            String path,
            ServiceSpec service,
            int apiPort,
            ProblemList problems,
            ServiceRules.PortRegistry hostPorts) {
        this.container = container;
        this.path = path;
        this.service = service;
        this.apiPort = apiPort;
        this.problems = problems;
        this.hostPorts = hostPorts;
    }

    void check() {
        problems.name(field("name"), container.name(), "Container");
        if (container.image().isBlank()) {
            problems.error(field("image"), "must not be empty; write an image reference such as nginx:1.27");
        }
        container.envOrEmpty().keySet().forEach(name -> {
            if (name.isEmpty() || name.contains("=")) {
                problems.error(
                        FieldPaths.child(field("env"), name),
                        "'" + name + "' is not a valid environment variable name; it must not be empty or contain '='");
            }
        });
        checkPorts();
        problems.memory(field("memory_limit"), container.memoryLimit());
        problems.cpu(field("cpu_limit"), container.cpuLimit());
        checkNetworkLimit(container.networkLimit());
        problems.thresholds(field("resource_thresholds"), container.resourceThresholds());
        checkHealth(container.healthCheck());
        checkVolumeMounts();
    }

    private void checkPorts() {
        List<PortSpec> ports = container.portsOrEmpty();
        for (int j = 0; j < ports.size(); j++) {
            PortSpec port = ports.get(j);
            String portPath = FieldPaths.index(field("ports"), j);
            problems.range(FieldPaths.child(portPath, "port"), port.port(), 1, 65535, "");
            if (port.targetPort() != null) {
                String targetPath = FieldPaths.child(portPath, "target_port");
                if (problems.port(targetPath, port.targetPort(), apiPort)) {
                    hostPorts.use(targetPath, "target", port.targetPort());
                    warnIfSeveralPodsNeedTheHostPort(targetPath, port.targetPort());
                }
            }
            if (port.nodePort() != null) {
                String nodePath = FieldPaths.child(portPath, "node_port");
                if (problems.port(nodePath, port.nodePort(), apiPort)) {
                    hostPorts.use(nodePath, "node", port.nodePort());
                }
            }
        }
    }

    /** ORBIT-REFERENCE §3.3: a second pod cannot bind the same host port, so its start fails. */
    private void warnIfSeveralPodsNeedTheHostPort(String targetPath, int targetPort) {
        int max = service.instanceCount().max();
        if (max > 1) {
            problems.warning(
                    targetPath,
                    targetPort + " is a host port, which only one pod can hold; with instance_count.max " + max
                            + " further pods cannot start (use node_port to spread traffic over pods)");
        }
    }

    private void checkNetworkLimit(@Nullable NetworkLimit limit) {
        if (limit == null) {
            return;
        }
        problems.networkRate(field("network_limit.ingress_rate"), limit.ingressRate());
        problems.networkRate(field("network_limit.egress_rate"), limit.egressRate());
        problems.networkBurst(field("network_limit.ingress_burst"), limit.ingressBurst());
        problems.networkBurst(field("network_limit.egress_burst"), limit.egressBurst());
        if (limit.ingressRate() == null && limit.ingressBurst() != null) {
            problems.warning(field("network_limit.ingress_burst"), "has no effect without ingress_rate");
        }
        if (limit.egressRate() == null && limit.egressBurst() != null) {
            problems.warning(field("network_limit.egress_burst"), "has no effect without egress_rate");
        }
    }

    private void checkHealth(@Nullable HealthCheck health) {
        if (health == null) {
            return;
        }
        String healthPath = field("health_check");
        problems.duration(FieldPaths.child(healthPath, "startup_timeout"), health.startupTimeout(), false);
        Integer startupThreshold = health.startupFailureThreshold();
        if (startupThreshold != null && startupThreshold < 0) {
            problems.error(
                    FieldPaths.child(healthPath, "startup_failure_threshold"),
                    "must be 0 (no startup check) or more, got " + startupThreshold);
        }
        problems.duration(FieldPaths.child(healthPath, "liveness_period"), health.livenessPeriod(), false);
        problems.atLeast(
                FieldPaths.child(healthPath, "liveness_failure_threshold"), health.livenessFailureThreshold(), 1);
        TcpCheck tcp = health.tcpCheck();
        if (tcp != null) {
            String tcpPath = FieldPaths.child(healthPath, "tcp_check");
            checkTcpPort(FieldPaths.child(tcpPath, "port"), tcp.port());
            problems.duration(FieldPaths.child(tcpPath, "timeout"), tcp.timeout(), false);
            problems.duration(FieldPaths.child(tcpPath, "period"), tcp.period(), false);
            problems.atLeast(FieldPaths.child(tcpPath, "failure_threshold"), tcp.failureThreshold(), 1);
        }
        HttpCheck http = health.httpCheck();
        if (http != null) {
            String httpPath = FieldPaths.child(healthPath, "http_check");
            checkTcpPort(FieldPaths.child(httpPath, "port"), http.port());
            if (http.path() != null && !http.path().startsWith("/")) {
                problems.error(
                        FieldPaths.child(httpPath, "path"),
                        "'" + http.path() + "' must start with /; write e.g. /health");
            }
            try {
                StatusRange.parse(http.expectedStatus());
            } catch (InvalidUnitException e) {
                problems.error(FieldPaths.child(httpPath, "expected_status"), e.getMessage());
            }
            problems.duration(FieldPaths.child(httpPath, "timeout"), http.timeout(), false);
            problems.duration(FieldPaths.child(httpPath, "period"), http.period(), false);
            problems.atLeast(FieldPaths.child(httpPath, "failure_threshold"), http.failureThreshold(), 1);
        }
        ExecCheck exec = health.execCheck();
        if (exec != null) {
            String execPath = FieldPaths.child(healthPath, "exec_check");
            if (exec.command() == null
                    || exec.command().isEmpty()
                    || exec.command().get(0).isBlank()) {
                problems.error(
                        FieldPaths.child(execPath, "command"),
                        "is empty; write the program and its arguments, e.g. [\"/bin/check\", \"--quick\"]");
            }
            problems.duration(FieldPaths.child(execPath, "timeout"), exec.timeout(), false);
            problems.duration(FieldPaths.child(execPath, "period"), exec.period(), false);
            problems.atLeast(FieldPaths.child(execPath, "failure_threshold"), exec.failureThreshold(), 1);
        }
    }

    private void checkTcpPort(String portPath, int port) {
        if (port < 1 || port > 65535) {
            problems.error(portPath, "must be between 1 and 65535, got " + port);
            return;
        }
        List<Integer> declared =
                container.portsOrEmpty().stream().map(PortSpec::port).toList();
        if (!declared.contains(port)) {
            String ports = declared.isEmpty()
                    ? "it declares none"
                    : declared.stream().map(String::valueOf).collect(Collectors.joining(", "));
            problems.warning(
                    portPath,
                    port + " is not one of this container's ports (" + ports + "); the check connects to the"
                            + " container on this port and fails unless something listens there");
        }
    }

    private void checkVolumeMounts() {
        Map<String, VolumeData> volumes = service.volumesOrEmpty();
        Map<String, Integer> mountPaths = new HashMap<>();
        List<VolumeMount> mounts = container.volumeMountsOrEmpty();
        for (int k = 0; k < mounts.size(); k++) {
            VolumeMount mount = mounts.get(k);
            String mountPath = FieldPaths.index(field("volume_mounts"), k);
            VolumeData volume = volumes.get(mount.name());
            if (volume == null) {
                problems.error(
                        FieldPaths.child(mountPath, "name"),
                        "unknown volume '" + mount.name() + "'; "
                                + (volumes.isEmpty()
                                        ? "define it under volumes:"
                                        : "known volumes: " + String.join(", ", volumes.keySet())));
            } else {
                checkSubPath(mountPath, mount, volume);
            }
            problems.absolutePath(FieldPaths.child(mountPath, "mount_path"), mount.mountPath());
            Integer first = mountPaths.putIfAbsent(mount.mountPath(), k);
            if (first != null) {
                problems.error(
                        FieldPaths.child(mountPath, "mount_path"),
                        "Duplicate mount path '" + mount.mountPath() + "' in container '" + container.name()
                                + "' (also volume_mounts[" + first + "]); mount each path once");
            }
        }
    }

    /**
     * Orbit failed at pod start ({@code Subpath file <x> not found}) and ignored {@code sub_path} on a host path; we
     * check both at load, and refuse what cannot be mounted.
     */
    private void checkSubPath(String mountPath, VolumeMount mount, VolumeData volume) {
        String subPath = mount.subPath();
        if (volume.hostPath() == null && volume.files() == null && volume.namedVolume() == null) {
            problems.error(
                    FieldPaths.child(mountPath, "name"),
                    "volume '" + mount.name() + "' defines nothing to mount; add files, host_path or named_volume");
            return;
        }
        if (subPath == null) {
            return;
        }
        if (volume.hostPath() != null) {
            if (subPath.isEmpty()
                    || subPath.startsWith("/")
                    || subPath.contains("\0")
                    || java.util.Arrays.asList(subPath.split("/")).contains("..")) {
                problems.error(
                        FieldPaths.child(mountPath, "sub_path"),
                        "'" + subPath + "' must be a relative path below host_path without '..'; e.g. app.conf or"
                                + " conf/app.conf");
            }
            return;
        }
        if (volume.files() == null) {
            problems.error(
                    FieldPaths.child(mountPath, "sub_path"),
                    "named volume '" + mount.name() + "' cannot be mounted in part; mount it whole, or use files or"
                            + " host_path for a single file");
            return;
        }
        if (!volume.files().containsKey(subPath)) {
            problems.error(
                    FieldPaths.child(mountPath, "sub_path"),
                    "'" + subPath + "' is not a file of volume '" + mount.name() + "'; its files: "
                            + String.join(", ", volume.files().keySet()));
        }
    }

    private String field(String name) {
        return path + "." + name;
    }
}
