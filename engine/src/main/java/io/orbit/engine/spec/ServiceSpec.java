package io.orbit.engine.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One service file (ORBIT-REFERENCE §2.2). Field names are Orbit's, in snake_case in YAML. Unit fields ({@code
 * memory_limit}, {@code cpu_limit}) keep the raw YAML node because a number and a string mean different things.
 */
public record ServiceSpec(
        @JsonProperty(required = true) String name,
        @Nullable String network,
        @JsonProperty(required = true) PodSpec spec,
        @JsonProperty(required = true) InstanceCount instanceCount,
        @Nullable JsonNode memoryLimit,
        @Nullable JsonNode cpuLimit,
        @Nullable PullPolicy pullPolicy,
        @Nullable ResourceThresholds resourceThresholds,
        @Nullable Boolean adoptOrphans,
        @Nullable Long intervalSeconds,
        @Nullable String imageCheckInterval,
        @Nullable RollingUpdateConfig rollingUpdateConfig,
        @Nullable Map<String, VolumeData> volumes,
        @Nullable CodelConfig codel,
        @Nullable ScalingPolicy scalingPolicy,
        @Nullable Autoscaling autoscaling,
        @Nullable Map<String, SecretSource> secrets) {

    /**
     * Whether the autoscaler has a signal: {@code codel}, {@code autoscaling.concurrency_target}, or a CPU or memory
     * threshold that applies to one of the containers (the service's {@code resource_thresholds} switches resource
     * scaling on, a container's own block replaces the values for it). {@code AutoscalePolicy.enabled()} agrees
     * (AutoscalePolicyTest); the proxy holds requests for a service at {@code min: 0} only when this is true.
     */
    public boolean hasScalingSignal() {
        if (codel != null || (autoscaling != null && autoscaling.concurrencyTarget() != null)) {
            return true;
        }
        if (resourceThresholds == null) {
            return false;
        }
        for (ContainerTemplate container : spec.containers()) {
            ResourceThresholds own = container.resourceThresholds();
            if ((own != null ? own : resourceThresholds).any()) {
                return true;
            }
        }
        return false;
    }

    public boolean adoptsOrphans() {
        return adoptOrphans != null && adoptOrphans;
    }

    public Map<String, VolumeData> volumesOrEmpty() {
        return volumes == null ? Map.of() : volumes;
    }

    public Map<String, SecretSource> secretsOrEmpty() {
        return secrets == null ? Map.of() : secrets;
    }

    /**
     * {@code secrets.<name>:} ours: where a secret's value comes from, exactly one of a file ({@code file:}, relative
     * to the service file or absolute), a variable of the daemon's environment ({@code env:}), or an existing engine
     * secret object ({@code engine:}, Podman only). The value itself never sits in the service file.
     */
    public record SecretSource(
            @Nullable String file,
            @Nullable String env,
            @Nullable String engine) {}

    public enum PullPolicy {
        Always,
        Never
    }

    /** {@code spec:} holds the containers of one pod. */
    public record PodSpec(@JsonProperty(required = true) java.util.List<ContainerTemplate> containers) {}

    /** {@code instance_count:} the pod count bounds (u8 in Orbit). */
    public record InstanceCount(
            @JsonProperty(required = true) int min,
            @JsonProperty(required = true) int max) {}

    /** {@code resource_thresholds:} CPU and memory autoscaling triggers, in percent. */
    public record ResourceThresholds(
            @Nullable Integer cpuPercentage,
            @Nullable Integer cpuPercentageRelative,
            @Nullable Integer memoryPercentage,
            @Nullable MetricsStrategy metricsStrategy) {

        /** At least one threshold is set: a block without one triggers nothing. */
        public boolean any() {
            return cpuPercentage != null || cpuPercentageRelative != null || memoryPercentage != null;
        }
    }

    public enum MetricsStrategy {
        max,
        average
    }

    /** {@code rolling_update_config:}; {@code timeout} is required when the block is present. */
    public record RollingUpdateConfig(
            @Nullable Integer maxUnavailable,
            @Nullable Integer maxSurge,
            @JsonProperty(required = true) String timeout) {}

    /** {@code codel:} latency-driven scaling and optional load shedding; durations are humantime strings. */
    public record CodelConfig(
            @JsonProperty(required = true) String target,
            @JsonProperty(required = true) String interval,
            @JsonProperty(required = true) String scaleCooldown,
            @Nullable Integer consecutiveIntervals,
            @Nullable Integer maxScaleStep,
            @Nullable Integer overloadStatusCode) {}

    /** {@code scaling_policy:} defaults 60 s and 50 %. */
    public record ScalingPolicy(
            @Nullable String cooldownDuration, @Nullable Double scaleDownThresholdPercentage) {}

    /**
     * {@code autoscaling:} ours, opt-in: the concurrency signal (in-flight requests per pod, with Knative's stable and
     * panic windows), the warm-up of new pods, how fast the replica count may move, and how the proxy holds the
     * requests of a service scaled to zero ({@code activation_timeout}, {@code activation_queue}). Durations are
     * humantime strings; every field has a default (docs/configuration.md, "Autoscaling").
     */
    public record Autoscaling(
            @Nullable Double concurrencyTarget,
            @Nullable String stableWindow,
            @Nullable String panicWindow,
            @Nullable Double panicThreshold,
            @Nullable String warmup,
            @Nullable Double tolerance,
            @Nullable String idlePeriod,
            @Nullable String activationTimeout,
            @Nullable Integer activationQueue,
            @Nullable ScaleUp scaleUp,
            @Nullable ScaleDown scaleDown) {}

    /** {@code autoscaling.scale_up:} at most max(max_pods, max_percent % of the pods) added per period. */
    public record ScaleUp(
            @Nullable Integer maxPods,
            @Nullable Integer maxPercent,
            @Nullable String period) {}

    /**
     * {@code autoscaling.scale_down:} the stabilisation window, and at most max(max_pods, max_percent % of the pods)
     * removed per {@code scaling_policy.cooldown_duration}.
     */
    public record ScaleDown(
            @Nullable String stabilizationWindow,
            @Nullable Integer maxPods,
            @Nullable Integer maxPercent) {}

    /** {@code volumes.<name>:} inline files, a host path, or a named volume. */
    public record VolumeData(
            @Nullable Map<String, String> files,
            @Nullable String hostPath,
            @Nullable String permissions,
            @Nullable NamedVolume namedVolume) {}

    public record NamedVolume(
            @JsonProperty(required = true) String name,
            @Nullable Map<String, String> labels,
            @Nullable Map<String, String> driverOpts) {}
}
