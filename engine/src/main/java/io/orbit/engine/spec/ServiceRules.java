package io.orbit.engine.spec;

import io.orbit.engine.spec.ServiceSpec.Autoscaling;
import io.orbit.engine.spec.ServiceSpec.CodelConfig;
import io.orbit.engine.spec.ServiceSpec.InstanceCount;
import io.orbit.engine.spec.ServiceSpec.RollingUpdateConfig;
import io.orbit.engine.spec.ServiceSpec.ScalingPolicy;
import io.orbit.engine.spec.ServiceSpec.VolumeData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The rules that look at one service file alone (ORBIT-REFERENCE §2.6 points 2, 4 and 5, plus ours). Rules across
 * files (duplicate names, port conflicts) are {@link SpecValidator}'s.
 *
 * <p>Longer than 300 lines: one short method per rule of one service file, listed together so the rules read as the format's checklist.
 */
final class ServiceRules {

    private static final Pattern OCTAL_MODE = Pattern.compile("^[0-7]{3,4}$");
    private static final Pattern DOCKER_VOLUME_NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$");

    private final ServiceSpec spec;
    private final int apiPort;
    private final HostAccess hostAccess;
    private final ProblemList problems;

    private ServiceRules(Path file, ServiceSpec spec, int apiPort, HostAccess hostAccess) {
        this.spec = spec;
        this.apiPort = apiPort;
        this.hostAccess = hostAccess;
        this.problems = new ProblemList(file);
    }

    static List<SpecProblem> check(Path file, ServiceSpec spec, int apiPort, HostAccess hostAccess) {
        ServiceRules rules = new ServiceRules(file, spec, apiPort, hostAccess);
        rules.checkAll();
        return rules.problems.toList();
    }

    private void checkAll() {
        problems.name("name", spec.name(), "Service");
        checkInstanceCount(spec.instanceCount());
        if (spec.network() != null && spec.network().isBlank()) {
            problems.error("network", "must not be empty; name a network or leave network out");
        }
        problems.memory("memory_limit", spec.memoryLimit());
        problems.cpu("cpu_limit", spec.cpuLimit());
        problems.thresholds("resource_thresholds", spec.resourceThresholds());
        problems.duration("image_check_interval", spec.imageCheckInterval(), false);
        if (spec.intervalSeconds() != null && spec.intervalSeconds() < 0) {
            problems.error("interval_seconds", "must be 0 or more, got " + spec.intervalSeconds());
        }
        checkRollingUpdate(spec.rollingUpdateConfig());
        checkCodel(spec.codel());
        checkScalingPolicy(spec.scalingPolicy());
        checkAutoscaling(spec.autoscaling());
        spec.volumesOrEmpty().forEach(this::checkVolume);
        checkContainers();
        HostAccessRules.report(HostAccessRules.uses(spec, hostAccess), hostAccess, problems);
    }

    private void checkInstanceCount(InstanceCount count) {
        problems.range("instance_count.min", count.min(), 0, 255, "");
        problems.range("instance_count.max", count.max(), 1, 255, "");
        if (count.min() >= 0 && count.max() >= 1 && count.max() <= 255 && count.min() > count.max()) {
            problems.error(
                    "instance_count.min",
                    "min " + count.min() + " is greater than max " + count.max() + "; lower min or raise max");
        }
    }

    private void checkRollingUpdate(@Nullable RollingUpdateConfig update) {
        if (update == null) {
            return;
        }
        problems.range("rolling_update_config.max_unavailable", update.maxUnavailable(), 0, 255, "");
        problems.range("rolling_update_config.max_surge", update.maxSurge(), 0, 255, "");
        problems.duration("rolling_update_config.timeout", update.timeout(), false);
        if (effectiveMaxSurge(update) == 0 && effectiveMaxUnavailable(update) == 0) {
            problems.error(
                    "rolling_update_config",
                    "max_surge and max_unavailable are both 0, so a rolling update could never replace a pod; set"
                            + " max_surge: 1");
        }
    }

    static int effectiveMaxSurge(RollingUpdateConfig update) {
        return update.maxSurge() == null ? 1 : update.maxSurge();
    }

    static int effectiveMaxUnavailable(RollingUpdateConfig update) {
        return update.maxUnavailable() == null ? 1 : update.maxUnavailable();
    }

    private void checkCodel(@Nullable CodelConfig codel) {
        if (codel == null) {
            return;
        }
        problems.duration("codel.target", codel.target(), false);
        problems.duration("codel.interval", codel.interval(), false);
        problems.duration("codel.scale_cooldown", codel.scaleCooldown(), true);
        problems.atLeast("codel.consecutive_intervals", codel.consecutiveIntervals(), 1);
        problems.atLeast("codel.max_scale_step", codel.maxScaleStep(), 1);
        problems.range(
                "codel.overload_status_code", codel.overloadStatusCode(), 100, 599, "an HTTP status; 503 is usual");
    }

    private void checkScalingPolicy(@Nullable ScalingPolicy policy) {
        if (policy == null) {
            return;
        }
        problems.duration("scaling_policy.cooldown_duration", policy.cooldownDuration(), true);
        Double percentage = policy.scaleDownThresholdPercentage();
        if (percentage != null && !(percentage >= 0 && percentage <= 100)) {
            problems.error(
                    "scaling_policy.scale_down_threshold_percentage",
                    "must be between 0 and 100 (percent of pods), got " + percentage);
        }
    }

    private void checkAutoscaling(@Nullable Autoscaling autoscaling) {
        if (autoscaling == null) {
            return;
        }
        positive("autoscaling.concurrency_target", autoscaling.concurrencyTarget(), "in-flight requests per pod");
        Optional<Duration> stable = problems.duration("autoscaling.stable_window", autoscaling.stableWindow(), false);
        Optional<Duration> panic = problems.duration("autoscaling.panic_window", autoscaling.panicWindow(), false);
        if (stable.isPresent() && panic.isPresent() && panic.get().compareTo(stable.get()) > 0) {
            problems.error(
                    "autoscaling.panic_window",
                    "panic window " + autoscaling.panicWindow() + " is longer than the stable window "
                            + autoscaling.stableWindow() + "; the panic window is the short one (e.g. 6s and 60s)");
        }
        Double panicThreshold = autoscaling.panicThreshold();
        if (panicThreshold != null && !(panicThreshold > 1)) {
            problems.error(
                    "autoscaling.panic_threshold",
                    "must be greater than 1 (a multiple of the ready pods), got " + panicThreshold);
        }
        problems.duration("autoscaling.warmup", autoscaling.warmup(), true);
        Double tolerance = autoscaling.tolerance();
        if (tolerance != null && !(tolerance >= 0 && tolerance < 1)) {
            problems.error("autoscaling.tolerance", "must be at least 0 and below 1 (0.1 = 10 %), got " + tolerance);
        }
        checkScaleFromZero(autoscaling);
        if (autoscaling.concurrencyTarget() != null && !hasNodePort()) {
            problems.warning(
                    "autoscaling.concurrency_target",
                    "no container has a node_port, so the proxy sees no requests of this service and the concurrency"
                            + " signal stays at 0; add a node_port or remove concurrency_target");
        }
        if (!spec.hasScalingSignal()) {
            problems.warning(
                    "autoscaling",
                    "no scaling signal is configured, so the service never autoscales; set"
                            + " autoscaling.concurrency_target, a threshold in resource_thresholds, or codel");
        }
        if (autoscaling.scaleUp() != null) {
            problems.atLeast(
                    "autoscaling.scale_up.max_pods", autoscaling.scaleUp().maxPods(), 1);
            problems.range(
                    "autoscaling.scale_up.max_percent", autoscaling.scaleUp().maxPercent(), 1, 1000, "percent");
            problems.duration(
                    "autoscaling.scale_up.period", autoscaling.scaleUp().period(), true);
        }
        if (autoscaling.scaleDown() != null) {
            problems.duration(
                    "autoscaling.scale_down.stabilization_window",
                    autoscaling.scaleDown().stabilizationWindow(),
                    true);
            problems.atLeast(
                    "autoscaling.scale_down.max_pods", autoscaling.scaleDown().maxPods(), 1);
            problems.range(
                    "autoscaling.scale_down.max_percent",
                    autoscaling.scaleDown().maxPercent(),
                    1,
                    100,
                    "percent");
        }
    }

    /** The idle period to 0 pods, and how the proxy holds the first requests until a pod is ready. */
    private void checkScaleFromZero(Autoscaling autoscaling) {
        problems.duration("autoscaling.idle_period", autoscaling.idlePeriod(), false);
        problems.duration("autoscaling.activation_timeout", autoscaling.activationTimeout(), false);
        problems.range("autoscaling.activation_queue", autoscaling.activationQueue(), 1, 10_000, "held requests");
    }

    private boolean hasNodePort() {
        return spec.spec().containers().stream()
                .flatMap(container -> container.portsOrEmpty().stream())
                .anyMatch(port -> port.nodePort() != null);
    }

    private void positive(String fieldPath, @Nullable Double value, String what) {
        if (value != null && !(value > 0 && Double.isFinite(value))) {
            problems.error(fieldPath, "must be greater than 0 (" + what + "), got " + value);
        }
    }

    private void checkVolume(String name, VolumeData volume) {
        String path = FieldPaths.child("volumes", name);
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.contains("\0")) {
            problems.error(
                    path,
                    "volume name '" + name + "' must be a plain name without '/'; it names the directory its files"
                            + " are written to");
        }
        if (volume.hostPath() != null) {
            problems.absolutePath(FieldPaths.child(path, "host_path"), volume.hostPath());
            if (volume.files() != null) {
                problems.warning(path, "both host_path and files are set; host_path wins and files are ignored");
            }
        } else if (volume.files() == null && volume.namedVolume() == null) {
            problems.warning(path, "defines nothing to mount; add files, host_path or named_volume");
        }
        if (volume.files() != null) {
            String filesPath = FieldPaths.child(path, "files");
            volume.files().keySet().forEach(fileName -> {
                if (fileName.isEmpty()
                        || fileName.equals(".")
                        || fileName.contains("/")
                        || fileName.contains("..")
                        || fileName.contains("\0")) {
                    problems.error(
                            FieldPaths.child(filesPath, fileName),
                            "file name '" + fileName + "' must be a plain name without '/' or '..'; each file is"
                                    + " written into the volume's own directory");
                }
            });
        }
        if (volume.permissions() != null
                && !OCTAL_MODE.matcher(volume.permissions()).matches()) {
            problems.error(
                    FieldPaths.child(path, "permissions"),
                    "'" + volume.permissions() + "' is not an octal file mode; write e.g. \"0644\"");
        } else if (volume.permissions() != null
                && volume.permissions().length() == 4
                && volume.permissions().charAt(0) != '0') {
            problems.error(
                    FieldPaths.child(path, "permissions"),
                    "'" + volume.permissions() + "' sets setuid, setgid or sticky bits, which inline files cannot"
                            + " have; write e.g. \"0" + volume.permissions().substring(1) + "\"");
        } else if (volume.permissions() != null && (volume.files() == null || volume.hostPath() != null)) {
            problems.warning(
                    FieldPaths.child(path, "permissions"),
                    "applies to inline files only and is ignored here; set the mode of host paths and named volumes"
                            + " on the host");
        }
        if (volume.hostPath() == null && volume.files() != null && volume.namedVolume() != null) {
            problems.warning(path, "both files and named_volume are set; files win and named_volume is ignored");
        }
        if (volume.namedVolume() != null
                && !DOCKER_VOLUME_NAME.matcher(volume.namedVolume().name()).matches()) {
            problems.error(
                    FieldPaths.child(FieldPaths.child(path, "named_volume"), "name"),
                    "'" + volume.namedVolume().name() + "' is not a valid volume name; use at least two letters,"
                            + " digits, '_', '.' or '-', starting with a letter or digit");
        }
    }

    private void checkContainers() {
        List<ContainerTemplate> containers = spec.spec().containers();
        if (containers.isEmpty()) {
            problems.error("spec.containers", "at least one container is required");
            return;
        }
        Map<String, Integer> containerNames = new HashMap<>();
        PortRegistry hostPorts = new PortRegistry(spec.name(), problems);
        for (int i = 0; i < containers.size(); i++) {
            ContainerTemplate container = containers.get(i);
            String path = FieldPaths.index("spec.containers", i);
            Integer first = containerNames.putIfAbsent(container.name(), i);
            if (first != null) {
                problems.error(
                        FieldPaths.child(path, "name"),
                        "Duplicate container name '" + container.name() + "' found in service '" + spec.name()
                                + "' (also spec.containers[" + first + "]); give each container its own name");
            }
            new ContainerRules(container, path, spec, apiPort, problems, hostPorts).check();
        }
    }

    /** Orbit's rule: every target_port and node_port of a service is used once, across both kinds. */
    static final class PortRegistry {
        private final String service;
        private final ProblemList problems;
        private final Map<Integer, String> used = new HashMap<>();

        PortRegistry(String service, ProblemList problems) {
            this.service = service;
            this.problems = problems;
        }

        /** {@code kind} is "target" or "node". */
        void use(String path, String kind, int port) {
            String first = used.putIfAbsent(port, path);
            if (first != null) {
                problems.error(
                        path,
                        "Duplicate " + kind + " port " + port + " found in service '" + service + "' (also " + first
                                + "); use each target_port and node_port once per service");
            }
        }
    }
}
