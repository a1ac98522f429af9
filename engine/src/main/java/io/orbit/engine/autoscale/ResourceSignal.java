package io.orbit.engine.autoscale;

import io.orbit.engine.autoscale.AutoscalePolicy.ResourceTargets;
import io.orbit.engine.autoscale.AutoscalePolicy.Thresholds;
import io.orbit.engine.autoscale.ScalingDecision.Reading;
import io.orbit.engine.autoscale.ScalingDecision.Signal;
import io.orbit.engine.spec.ServiceSpec.MetricsStrategy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The CPU/memory signal as Kubernetes' HPA computes it: {@code desired = ceil(pods × mean(usage / target))}, per
 * metric, the highest metric winning. This replaces Orbit's "share of pods over a threshold, ±1 pod" (§5.6), which
 * scaled a half-hot service down and flapped.
 *
 * <ul>
 *   <li>Pods not ready or younger than the warm-up are left out of the mean; on a scale-up they count as 0 %, so a
 *       pod that is still starting is not answered with yet another pod (HPA's rule).
 *   <li>A measured pod without a sample counts as 0 % on a scale-up and as 100 % of target on a scale-down: the
 *       guess that moves least.
 *   <li>A ratio within 1 ± tolerance, or one that the missing pods turn around, holds the current count.
 *   <li>Relative CPU is measured against the container's own limit (Orbit divided by the host's CPUs, §5.3).
 * </ul>
 */
final class ResourceSignal {

    /** Orbit's rule: a value below 5 % never counts as over a threshold, so thresholds below 5 act as 5 (§5.6). */
    private static final double MIN_TARGET_PERCENT = 5.0;

    private static final double EPSILON = 1e-9;

    private ResourceSignal() {}

    /** A recommendation, and whether any metric is above its target (so idleness may not scale the service down). */
    record Result(Reading reading, boolean hot) {}

    private enum Metric {
        CPU,
        CPU_RELATIVE,
        MEMORY;

        OptionalDouble target(Thresholds thresholds) {
            return switch (this) {
                case CPU -> thresholds.cpuOfHost();
                case CPU_RELATIVE -> thresholds.cpuOfLimit();
                case MEMORY -> thresholds.memory();
            };
        }

        /** The container's value of this metric in percent. */
        double percent(ContainerSample sample, int hostCpus) {
            return switch (this) {
                case CPU -> sample.cpuPercent() / hostCpus;
                // Without a limit the container may use the whole host, so the host is its limit.
                case CPU_RELATIVE ->
                    sample.cpuPercent() / (sample.cpuLimitCores() > 0 ? sample.cpuLimitCores() : hostCpus);
                case MEMORY -> sample.memoryPercent();
            };
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static Optional<Result> recommend(
            AutoscalePolicy policy, ResourceTargets targets, List<PodSample> pods, int current, Instant now) {
        List<Result> results = new ArrayList<>();
        for (Metric metric : Metric.values()) {
            recommend(policy, targets, metric, pods, current, now).ifPresent(results::add);
        }
        boolean hot = results.stream().anyMatch(Result::hot);
        Optional<Result> best = results.stream()
                .max(Comparator.comparingInt(result -> result.reading().replicas()))
                .map(result -> new Result(result.reading(), hot));
        return best;
    }

    /** One metric over the pods: the ratio to target of each measured pod, and how many had no sample or warm up. */
    private record Measured(List<Double> ratios, int missing, int warming) {}

    private static Measured measure(
            AutoscalePolicy policy, ResourceTargets targets, Metric metric, List<PodSample> pods, Instant now) {
        List<Double> measured = new ArrayList<>();
        int missing = 0;
        int warming = 0;
        for (PodSample pod : pods) {
            if (!pod.ready() || pod.startedAt().plus(policy.warmup()).isAfter(now)) {
                warming++;
                continue;
            }
            OptionalDouble ratio = podRatio(policy, targets, metric, pod);
            if (ratio.isPresent()) {
                measured.add(ratio.getAsDouble());
            } else {
                missing++;
            }
        }
        return new Measured(measured, missing, warming);
    }

    private static Optional<Result> recommend(
            AutoscalePolicy policy,
            ResourceTargets targets,
            Metric metric,
            List<PodSample> pods,
            int current,
            Instant now) {
        if (targets.byContainer().values().stream()
                .noneMatch(thresholds -> metric.target(thresholds).isPresent())) {
            return Optional.empty();
        }
        Measured sample = measure(policy, targets, metric, pods, now);
        List<Double> measured = sample.ratios();
        int missing = sample.missing();
        int warming = sample.warming();
        if (measured.isEmpty()) {
            return Optional.empty();
        }
        double sum = measured.stream().mapToDouble(Double::doubleValue).sum();
        double ratio = sum / measured.size();
        double tolerance = policy.tolerance();
        long hotPods = measured.stream().filter(value -> value > 1).count();
        boolean hot = ratio > 1 + tolerance;
        String inputs = "%s: %d measured, mean %.2f of target, %d missing, %d warming or unready"
                .formatted(metric.label(), measured.size(), ratio, missing, warming);
        if (Math.abs(ratio - 1) <= tolerance) {
            return Optional.of(new Result(
                    new Reading(
                            Signal.RESOURCE, current, inputs + "; within tolerance %.2f, hold".formatted(tolerance)),
                    false));
        }
        int counted = measured.size() + missing + (hot ? warming : 0);
        // Missing pods (and, scaling up, warming ones) are filled with the value that argues against the move.
        double adjusted = hot ? sum / counted : (sum + missing) / counted;
        if (Math.abs(adjusted - 1) <= tolerance || (ratio > 1) != (adjusted > 1)) {
            return Optional.of(new Result(
                    new Reading(
                            Signal.RESOURCE,
                            current,
                            inputs + "; %.2f with missing pods filled in, hold".formatted(adjusted)),
                    hot));
        }
        int desired = (int) Math.ceil(adjusted * counted - EPSILON);
        String formula = inputs + "; ceil(%d × %.2f) = %d".formatted(counted, adjusted, desired);
        double hotShare = 100.0 * hotPods / measured.size();
        if (desired < current && hotShare > targets.scaleDownHotShare()) {
            return Optional.of(new Result(
                    new Reading(
                            Signal.RESOURCE,
                            current,
                            formula
                                    + "; %.0f %% of pods over a threshold > scale_down_threshold_percentage %.0f, hold"
                                            .formatted(hotShare, targets.scaleDownHotShare())),
                    hot));
        }
        return Optional.of(new Result(new Reading(Signal.RESOURCE, desired, formula), hot));
    }

    /** The pod's ratio of usage to target, folded over its containers; empty when a container has no sample. */
    private static OptionalDouble podRatio(
            AutoscalePolicy policy, ResourceTargets targets, Metric metric, PodSample pod) {
        double folded = 0;
        int counted = 0;
        for (Map.Entry<String, Thresholds> entry : targets.byContainer().entrySet()) {
            OptionalDouble target = metric.target(entry.getValue());
            if (target.isEmpty()) {
                continue;
            }
            Optional<ContainerSample> sample = pod.container(entry.getKey());
            if (sample.isEmpty()) {
                return OptionalDouble.empty();
            }
            double ratio = metric.percent(sample.get(), policy.hostCpus())
                    / Math.max(target.getAsDouble(), MIN_TARGET_PERCENT);
            folded = targets.strategy() == MetricsStrategy.max ? Math.max(folded, ratio) : folded + ratio;
            counted++;
        }
        if (counted == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(targets.strategy() == MetricsStrategy.max ? folded : folded / counted);
    }
}
