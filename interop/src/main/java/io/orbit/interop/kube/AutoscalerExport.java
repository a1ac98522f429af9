package io.orbit.interop.kube;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicyBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRulesBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.orbit.engine.spec.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A HorizontalPodAutoscaler (autoscaling/v2) for CPU or memory thresholds, with the scaling behaviour. */
final class AutoscalerExport {
    private final ServiceExport export;

    AutoscalerExport(ServiceExport export) {
        this.export = export;
    }

    Optional<HorizontalPodAutoscaler> autoscaler() {
        ServiceSpec.ResourceThresholds thresholds = export.spec.resourceThresholds();
        ServiceSpec.Autoscaling autoscaling = export.spec.autoscaling();
        if (export.spec.codel() != null) {
            export.warn(
                    "codel",
                    "Kubernetes has no latency-driven scaling or load shedding built in; not exported"
                            + " (an HPA on a custom latency metric, or a mesh's outlier detection, comes closest)");
        }
        if (autoscaling != null && autoscaling.concurrencyTarget() != null) {
            export.warn(
                    "autoscaling.concurrency_target",
                    "scaling on requests in flight is Knative's KPA"
                            + " (autoscaling.knative.dev/target); an HPA cannot see requests: not exported");
        }
        if (thresholds == null) {
            if (autoscaling != null) {
                export.warn(
                        "autoscaling",
                        "without resource_thresholds no HPA is written; the other autoscaling fields"
                                + " are not exported");
            }
            return Optional.empty();
        }
        List<MetricSpec> metrics = metrics(thresholds);
        if (metrics.isEmpty()) {
            return Optional.empty();
        }
        HorizontalPodAutoscalerBuilder hpa = new HorizontalPodAutoscalerBuilder()
                .withMetadata(export.meta(export.service.name()))
                .withNewSpec()
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(export.service.name())
                .endScaleTargetRef()
                .withMinReplicas(Math.max(1, export.service.minInstances()))
                .withMaxReplicas(export.service.maxInstances())
                .withMetrics(metrics)
                .endSpec();
        behavior(hpa, autoscaling);
        return Optional.of(hpa.build());
    }

    /** CPU and memory utilisation targets, with what an HPA measures differently from Orbit. */
    private List<MetricSpec> metrics(ServiceSpec.ResourceThresholds thresholds) {
        List<MetricSpec> metrics = new ArrayList<>();
        Integer cpuRelative = thresholds.cpuPercentageRelative();
        Integer cpu = cpuRelative != null ? cpuRelative : thresholds.cpuPercentage();
        if (cpu != null) {
            int target = cpu;
            if (cpuRelative == null) {
                export.warn(
                        "resource_thresholds.cpu_percentage",
                        "Orbit measures it against the host's CPUs, an HPA"
                                + " against the container's CPU request (its limit here): exported as " + target
                                + "% utilisation, which is the same only for a limit of all the host's CPUs");
            }
            metrics.add(resourceMetric("cpu", target));
            if (export.service.containers().stream().anyMatch(c -> c.nanoCpus() == 0)) {
                export.warn(
                        "resource_thresholds",
                        "CPU utilisation needs a CPU request on every container: set"
                                + " cpu_limit, or the HPA reports no CPU metric");
            }
        }
        if (thresholds.memoryPercentage() != null) {
            metrics.add(resourceMetric("memory", thresholds.memoryPercentage()));
        }
        if (thresholds.metricsStrategy() == ServiceSpec.MetricsStrategy.max) {
            if (export.service.containers().size() > 1) {
                export.warn(
                        "resource_thresholds.metrics_strategy",
                        "an HPA sums the usage of a pod's containers"
                                + " against the sum of their requests (Orbit's 'average' comes closer than 'max')");
            }
        }
        return metrics;
    }

    private void behavior(HorizontalPodAutoscalerBuilder hpa, ServiceSpec.@Nullable Autoscaling autoscaling) {
        ServiceSpec.ScalingPolicy policy = export.spec.scalingPolicy();
        int cooldown = export.seconds(
                "scaling_policy.cooldown_duration",
                policy == null ? null : policy.cooldownDuration(),
                Duration.ofSeconds(60));
        ServiceSpec.ScaleDown down = autoscaling == null ? null : autoscaling.scaleDown();
        ServiceSpec.ScaleUp up = autoscaling == null ? null : autoscaling.scaleUp();
        int stabilization = export.seconds(
                "autoscaling.scale_down.stabilization_window",
                down == null ? null : down.stabilizationWindow(),
                Duration.ofMinutes(5));
        List<HPAScalingPolicy> downPolicies = List.of(
                policy("Pods", down == null || down.maxPods() == null ? 1 : down.maxPods(), cooldown),
                policy("Percent", down == null || down.maxPercent() == null ? 50 : down.maxPercent(), cooldown));
        int upPeriod =
                export.seconds("autoscaling.scale_up.period", up == null ? null : up.period(), Duration.ofSeconds(15));
        List<HPAScalingPolicy> upPolicies = List.of(
                policy("Pods", up == null || up.maxPods() == null ? 4 : up.maxPods(), upPeriod),
                policy("Percent", up == null || up.maxPercent() == null ? 100 : up.maxPercent(), upPeriod));
        hpa.editSpec()
                .withNewBehavior()
                .withScaleDown(new HPAScalingRulesBuilder()
                        .withStabilizationWindowSeconds(stabilization)
                        .withSelectPolicy("Max")
                        .withPolicies(downPolicies)
                        .build())
                .withScaleUp(new HPAScalingRulesBuilder()
                        .withStabilizationWindowSeconds(0)
                        .withSelectPolicy("Max")
                        .withPolicies(upPolicies)
                        .build())
                .endBehavior()
                .endSpec();
        behaviorWarnings(policy, autoscaling);
    }

    /** The autoscaling fields an HPA object has no place for. */
    private void behaviorWarnings(
            ServiceSpec.@Nullable ScalingPolicy policy, ServiceSpec.@Nullable Autoscaling autoscaling) {
        if (policy != null && policy.scaleDownThresholdPercentage() != null) {
            export.warn(
                    "scaling_policy.scale_down_threshold_percentage",
                    "an HPA has no share-of-pods rule; its"
                            + " stabilization window keeps the highest recent recommendation instead");
        }
        if (autoscaling != null) {
            if (autoscaling.tolerance() != null) {
                export.warn(
                        "autoscaling.tolerance",
                        "the HPA's tolerance is the controller manager's"
                                + " --horizontal-pod-autoscaler-tolerance (0.1), not a field of the object");
            }
            if (autoscaling.warmup() != null) {
                export.warn(
                        "autoscaling.warmup",
                        "the controller manager's"
                                + " --horizontal-pod-autoscaler-cpu-initialization-period, not a field of the object");
            }
            for (String field : new String[] {
                "stable_window",
                "panic_window",
                "panic_threshold",
                "idle_period",
                "activation_timeout",
                "activation_queue"
            }) {
                Object value = switch (field) {
                    case "stable_window" -> autoscaling.stableWindow();
                    case "panic_window" -> autoscaling.panicWindow();
                    case "panic_threshold" -> autoscaling.panicThreshold();
                    case "activation_timeout" -> autoscaling.activationTimeout();
                    case "activation_queue" -> autoscaling.activationQueue();
                    default -> autoscaling.idlePeriod();
                };
                if (value != null) {
                    export.warn("autoscaling." + field, "belongs to concurrency scaling (Knative's KPA); not exported");
                }
            }
        }
    }

    private HPAScalingPolicy policy(String type, int value, int period) {
        return new HPAScalingPolicyBuilder()
                .withType(type)
                .withValue(value)
                .withPeriodSeconds(Math.max(1, Math.min(1800, period)))
                .build();
    }

    private MetricSpec resourceMetric(String resource, int percent) {
        return new MetricSpecBuilder()
                .withType("Resource")
                .withNewResource()
                .withName(resource)
                .withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(percent)
                .endTarget()
                .endResource()
                .build();
    }
}
