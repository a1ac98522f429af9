package io.orbit.daemon.api;

import io.orbit.engine.autoscale.AutoscaleStatus;
import io.orbit.engine.netlimit.NetworkLimit;
import io.orbit.engine.netlimit.NetworkLimitStatus;
import io.orbit.engine.reconcile.Rollouts;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodHealthStatus;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.volume.VolumeUsage;
import io.orbit.proxy.ListenerState;
import io.orbit.runtime.PortBinding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /status}: Orbit's JSON shape (ORBIT-REFERENCE §11.1), filled with true values — the pod uuid that is in
 * the container names, the container's real IP, status from the engine — plus our additions as new fields (marked
 * below), so Orbit clients keep working.
 *
 * <p>Longer than 300 lines: the shape of /status field by field, Orbit's contract and our additions, in one place.
 */
final class StatusView {

    private StatusView() {}

    static List<Map<String, Object>> services(
            Map<String, ServiceStatus> services,
            List<String> engineLimitations,
            Map<Integer, ListenerState> listeners) {
        return services(services, engineLimitations, listeners, service -> List.of());
    }

    /** @param volumes the volumes of a service as used now ({@code PodVolumes#usage}) */
    static List<Map<String, Object>> services(
            Map<String, ServiceStatus> services,
            List<String> engineLimitations,
            Map<Integer, ListenerState> listeners,
            Function<ServiceStatus, List<VolumeUsage>> volumes) {
        List<Map<String, Object>> view = new ArrayList<>();
        for (ServiceStatus service : services.values()) {
            view.add(service(service, engineLimitations, listeners, volumes));
        }
        return view;
    }

    static Map<String, Object> service(
            ServiceStatus service, List<String> engineLimitations, Map<Integer, ListenerState> listeners) {
        return service(service, engineLimitations, listeners, any -> List.of());
    }

    static Map<String, Object> service(
            ServiceStatus service,
            List<String> engineLimitations,
            Map<Integer, ListenerState> listeners,
            Function<ServiceStatus, List<VolumeUsage>> volumes) {
        Map<String, ContainerTemplate.PortSpec> nodePorts = new LinkedHashMap<>();
        List<Integer> servicePorts = new ArrayList<>();
        service.desired()
                .ifPresent(desired -> desired.definition()
                        .containers()
                        .forEach(container -> container.ports().forEach(port -> {
                            servicePorts.add(port.port());
                            if (port.nodePort() != null) {
                                nodePorts.put(Integer.toString(port.nodePort()), port);
                            }
                        })));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("service_name", service.name());
        view.put("service_ports", servicePorts);
        view.put(
                "service_urls",
                nodePorts.values().stream()
                        .map(port -> Map.of("url", "http://localhost:" + port.nodePort(), "node_port", port.nodePort()))
                        .toList());
        view.put(
                "pods",
                service.pods().stream().map(pod -> pod(pod, service.desired())).toList());
        // Additions to Orbit's shape:
        view.put(
                "file",
                service.desired().map(d -> d.definition().file().toString()).orElse(null));
        view.put(
                "desired_replicas",
                service.desired().map(DesiredService::replicas).orElse(0));
        view.put(
                "min_instances",
                service.desired().map(d -> d.definition().minInstances()).orElse(0));
        view.put(
                "max_instances",
                service.desired().map(d -> d.definition().maxInstances()).orElse(0));
        view.put("running_pods", service.runningPods());
        view.put(
                "config_hash", service.desired().map(DesiredService::configHash).orElse(null));
        view.put("last_error", service.lastError().orElse(null));
        view.put("consecutive_failures", service.consecutiveFailures());
        view.put("observed_at", service.observedAt().toString());
        view.put("warnings", engineLimitations);
        // The proxy's listener on each node port: bound, or failed with the reason and the fix (Orbit was silent).
        view.put("listeners", listeners(service.name(), listeners));
        // Each volume: where it comes from, where it is mounted, by how many running containers, and its size.
        view.put(
                "volumes",
                volumes.apply(service).stream().map(StatusView::volume).toList());
        return view;
    }

    private static List<Map<String, Object>> listeners(String service, Map<Integer, ListenerState> listeners) {
        return listeners.values().stream()
                .filter(listener -> listener.service().equals(service))
                .map(listener -> {
                    Map<String, Object> state = new LinkedHashMap<>();
                    state.put("node_port", listener.nodePort());
                    state.put("status", listener.status().name().toLowerCase(java.util.Locale.ROOT));
                    state.put("problem", listener.problem().orElse(null));
                    return state;
                })
                .toList();
    }

    /**
     * Our addition {@code autoscaler}: whether the service autoscales, the count in force, a pin that overrides the
     * autoscaler, the last decision (direction, reason, the explanation, when) and whether CPU/memory stats exist.
     */
    static Map<String, Object> autoscaler(AutoscaleStatus status) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("enabled", status.enabled());
        view.put("desired_replicas", status.desiredReplicas());
        view.put("pinned_replicas", status.pinnedReplicas().orElse(null));
        view.put(
                "pinned_note",
                status.pinnedReplicas()
                        .map(pin -> "pinned by orbit scale: the autoscaler holds off until `orbit scale --auto`")
                        .orElse(null));
        view.put(
                "last_decision",
                status.lastDecision()
                        .map(decision -> {
                            Map<String, Object> last = new LinkedHashMap<>();
                            last.put("direction", decision.direction().label());
                            last.put("reason", decision.reason().label());
                            last.put("from", decision.currentReplicas());
                            last.put("to", decision.desiredReplicas());
                            last.put("explanation", decision.describe());
                            last.put("at", decision.at().toString());
                            return last;
                        })
                        .orElse(null));
        view.put("held_back", status.heldBack().orElse(null));
        view.put("stats_available", status.statsUnavailable().isEmpty());
        view.put("stats_unavailable_reason", status.statsUnavailable().orElse(null));
        return view;
    }

    private static Map<String, Object> volume(VolumeUsage volume) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", volume.name());
        view.put("kind", volume.kind().fieldName());
        view.put("source", volume.source());
        view.put("mount_paths", volume.mountPaths());
        view.put("containers", volume.containers());
        view.put(
                "usage_bytes",
                volume.usageBytes().isPresent() ? volume.usageBytes().getAsLong() : null);
        view.put(
                "file_count",
                volume.fileCount().isPresent() ? volume.fileCount().getAsLong() : null);
        return view;
    }

    private static Map<String, Object> pod(PodStatus pod, Optional<DesiredService> desired) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("uuid", pod.podId());
        view.put(
                "containers",
                pod.containers().stream()
                        .map(container -> container(container, template(desired, container.containerName()), pod))
                        .toList());
        // Additions:
        view.put("pod_number", pod.podNumber());
        view.put("config_hash", pod.configHash());
        view.put("current", pod.current());
        view.put("problem", pod.problem().orElse(null));
        // Health's view: Ready, Starting, Unhealthy, BackOff (a restart is held back), CrashLoop or Down.
        view.put("state", pod.health().phase());
        view.put("restart_count", pod.health().restartCount());
        view.put(
                "last_restart", pod.health().lastRestart().map(Object::toString).orElse(null));
        view.put("last_restart_reason", pod.health().lastRestartReason().orElse(null));
        view.put(
                "next_restart_at",
                pod.health().nextRestartAt().map(Object::toString).orElse(null));
        return view;
    }

    private static Optional<ContainerDefinition> template(Optional<DesiredService> desired, String containerName) {
        return desired.flatMap(d -> d.definition().containers().stream()
                .filter(container -> container.name().equals(containerName))
                .findFirst());
    }

    private static Map<String, Object> container(
            ContainerStatus container, Optional<ContainerDefinition> definition, PodStatus pod) {
        String ip = container.ipAddress().orElse("");
        boolean running = container.state().isRunning();
        List<ContainerTemplate.PortSpec> ports =
                definition.map(ContainerDefinition::ports).orElse(List.of());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", container.runtimeName());
        view.put("ip_address", ip);
        view.put("ports", ports.stream().map(port -> portView(port, running)).toList());
        view.put("status", running ? "running" : "stopped");
        view.put("cpu_percentage", null);
        view.put("cpu_percentage_relative", null);
        view.put("memory_usage", null);
        view.put("memory_limit", null);
        view.put("urls", ports.stream().map(port -> urlView(port, ip)).toList());
        view.put("health_status", healthStatus(pod, container.id()));
        // Additions:
        view.put("id", container.id());
        view.put("container_name", container.containerName());
        view.put("image", container.image());
        view.put("state", container.state().name().toLowerCase(java.util.Locale.ROOT));
        view.put("exit_code", container.exitCode());
        view.put("started_at", container.startedAt().map(Object::toString).orElse(null));
        view.put("networks", container.networkAddresses());
        view.put(
                "published_ports",
                container.publishedPorts().stream().map(StatusView::published).toList());
        return view;
    }

    /** A service's rollout: phase, hashes, progress, message; {@code phase: unknown} before its first pass. */
    static Map<String, Object> rollout(Optional<Rollouts.Status> rollout) {
        Map<String, Object> view = new LinkedHashMap<>();
        if (rollout.isEmpty()) {
            view.put("phase", "unknown");
            return view;
        }
        Rollouts.Status status = rollout.get();
        view.put("phase", status.phase().name().toLowerCase(java.util.Locale.ROOT));
        view.put("desired_hash", status.desiredHash());
        view.put("running_hash", status.runningHash().orElse(null));
        view.put("updated", status.updated());
        view.put("ready", status.ready());
        view.put("wanted", status.wanted());
        view.put("started_at", status.startedAt().map(Object::toString).orElse(null));
        view.put("message", status.message());
        return view;
    }

    /**
     * Orbit's {@code health_status} with true values (Orbit always said 0 restarts): null for a container that is
     * neither probed nor ever exited, as Orbit showed for containers it did not monitor.
     */
    private static @Nullable Map<String, Object> healthStatus(PodStatus pod, String containerId) {
        PodHealthStatus.ContainerHealthStatus health = pod.health().containers().get(containerId);
        if (health == null) {
            return null;
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("state", health.state());
        view.put("last_state", health.lastState().orElse(null));
        view.put("last_transition", orbitTime(health.lastTransition()));
        view.put("restart_count", pod.health().restartCount());
        view.put(
                "last_restart",
                pod.health().lastRestart().map(StatusView::orbitTime).orElse(null));
        view.put("failure_count", health.failureCount());
        view.put("last_failure", health.lastFailure().map(StatusView::orbitTime).orElse(null));
        view.put("message", health.message().orElse(null));
        // Addition: why the container's last run ended (exit code, OOM kill reported or inferred).
        view.put("last_exit", health.lastExit().orElse(null));
        return view;
    }

    /** Orbit serialised times as Rust's SystemTime. */
    private static Map<String, Object> orbitTime(Instant time) {
        return Map.of("secs_since_epoch", time.getEpochSecond(), "nanos_since_epoch", time.getNano());
    }

    private static Map<String, Object> portView(ContainerTemplate.PortSpec port, boolean running) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("port", port.port());
        view.put("target_port", port.targetPort());
        view.put("node_port", port.nodePort());
        view.put("healthy", running);
        return view;
    }

    private static Map<String, Object> urlView(ContainerTemplate.PortSpec port, String ip) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("url", "http://" + ip + ":" + port.port());
        view.put("port", port.port());
        // Orbit combined the container IP with the host port here; the host port is reached on the host.
        view.put("target_url", port.targetPort() == null ? null : "http://localhost:" + port.targetPort());
        view.put("target_port", port.targetPort());
        return view;
    }

    private static Map<String, Object> published(PortBinding binding) {
        return Map.of(
                "container_port", binding.containerPort(),
                "host_ip", binding.hostIp(),
                "host_port", binding.hostPort(),
                "protocol", binding.protocol().wireName());
    }

    /**
     * A container's network limit: the rates (bits/s) and bursts (bytes) it was created with, whether they are
     * enforced, and if not why and what to do. Rates of a direction without a limit are null.
     */
    static Map<String, Object> networkLimit(NetworkLimitStatus status) {
        NetworkLimit limit = status.limit();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("ingress_rate_bps", limit.limitsIngress() ? limit.ingressBitsPerSecond() : null);
        view.put("ingress_burst_bytes", limit.limitsIngress() ? limit.ingressBurstBytes() : null);
        view.put("egress_rate_bps", limit.limitsEgress() ? limit.egressBitsPerSecond() : null);
        view.put("egress_burst_bytes", limit.limitsEgress() ? limit.egressBurstBytes() : null);
        view.put("enforced", status.applied());
        view.put("problem", status.applied() ? null : status.problem());
        view.put("fix", status.applied() ? null : status.fix());
        return view;
    }
}
