package io.orbit.engine.autoscale;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.ServiceSpec.Autoscaling;
import io.orbit.engine.spec.ServiceSpec.MetricsStrategy;
import io.orbit.engine.spec.Units;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How one service autoscales, resolved from its validated definition with every default filled in
 * (docs/configuration.md, "Autoscaling"). A value: a reload builds a new one and hands it to
 * {@link ServiceAutoscaler#update}, which is how an edited {@code codel} block takes effect (Orbit froze it, §5.7).
 *
 * @param hostCpus CPUs of the host: {@code cpu_percentage} is a share of the whole host
 * @param resources the CPU/memory targets, present when the service has {@code resource_thresholds}
 * @param concurrency the in-flight target, present when {@code autoscaling.concurrency_target} is set
 * @param codel the latency booster, present when the service has a {@code codel} block
 * @param warmup pods younger than this are left out of the resource signal
 * @param tolerance a resource ratio within 1 ± tolerance changes nothing
 * @param idlePeriod a routed service at {@code min: 0} goes to 0 pods after this long without a request
 * @param scaleUp at most max(pods, percent) added per period
 * @param scaleDown at most max(pods, percent) removed per period ({@code scaling_policy.cooldown_duration})
 * @param stabilizationWindow scale-down follows the highest recommendation of this window
 */
public record AutoscalePolicy(
        String service,
        int minReplicas,
        int maxReplicas,
        int hostCpus,
        Optional<ResourceTargets> resources,
        Optional<ConcurrencyTarget> concurrency,
        Optional<CodelTarget> codel,
        Duration warmup,
        double tolerance,
        Duration idlePeriod,
        RateLimit scaleUp,
        RateLimit scaleDown,
        Duration stabilizationWindow) {

    static final Duration DEFAULT_STABLE_WINDOW = Duration.ofSeconds(60);
    static final Duration DEFAULT_PANIC_WINDOW = Duration.ofSeconds(6);
    static final double DEFAULT_PANIC_THRESHOLD = 2.0;
    static final Duration DEFAULT_WARMUP = Duration.ofSeconds(60);
    static final double DEFAULT_TOLERANCE = 0.1;
    static final Duration DEFAULT_IDLE_PERIOD = Duration.ofMinutes(5);
    static final RateLimit DEFAULT_SCALE_UP = new RateLimit(4, 100, Duration.ofSeconds(15));
    static final RateLimit DEFAULT_SCALE_DOWN = new RateLimit(1, 50, Duration.ofSeconds(60));
    static final Duration DEFAULT_STABILIZATION_WINDOW = Duration.ofMinutes(5);
    /** Orbit's {@code scale_down_threshold_percentage} default. */
    static final double DEFAULT_SCALE_DOWN_HOT_SHARE = 50.0;

    public AutoscalePolicy {
        requireNonNull(service, "service is null");
        if (minReplicas < 0 || minReplicas > maxReplicas) {
            throw new IllegalArgumentException(
                    "replica bounds out of order: min " + minReplicas + ", max " + maxReplicas);
        }
        if (hostCpus < 1) {
            throw new IllegalArgumentException("hostCpus must be at least 1, got " + hostCpus);
        }
        requireNonNull(resources, "resources is null");
        requireNonNull(concurrency, "concurrency is null");
        requireNonNull(codel, "codel is null");
        requireNonNull(warmup, "warmup is null");
        requireNonNull(idlePeriod, "idlePeriod is null");
        requireNonNull(scaleUp, "scaleUp is null");
        requireNonNull(scaleDown, "scaleDown is null");
        requireNonNull(stabilizationWindow, "stabilizationWindow is null");
    }

    /** With neither resource thresholds, a concurrency target nor CoDel the service never autoscales, as in Orbit. */
    public boolean enabled() {
        return resources.isPresent() || concurrency.isPresent() || codel.isPresent();
    }

    /** The same policy with other bounds; for tests and for a manual pin within [min, max]. */
    public AutoscalePolicy withReplicas(int min, int max) {
        return new AutoscalePolicy(
                service,
                min,
                max,
                hostCpus,
                resources,
                concurrency,
                codel,
                warmup,
                tolerance,
                idlePeriod,
                scaleUp,
                scaleDown,
                stabilizationWindow);
    }

    /**
     * Resolves a validated service. Durations were checked by the validator, so parsing cannot fail here.
     *
     * @param hostCpus the host's CPU count ({@code Runtime.availableProcessors()} on the daemon's host)
     */
    public static AutoscalePolicy of(ServiceDefinition definition, int hostCpus) {
        ServiceSpec spec = definition.spec();
        Autoscaling autoscaling = spec.autoscaling();
        ServiceSpec.@Nullable ScaleUp up = autoscaling == null ? null : autoscaling.scaleUp();
        ServiceSpec.@Nullable ScaleDown down = autoscaling == null ? null : autoscaling.scaleDown();
        ServiceSpec.@Nullable ScalingPolicy scaling = spec.scalingPolicy();
        return new AutoscalePolicy(
                definition.name(),
                definition.minInstances(),
                definition.maxInstances(),
                hostCpus,
                resourceTargets(definition),
                concurrencyTarget(autoscaling),
                codelTarget(spec.codel()),
                duration(autoscaling, Autoscaling::warmup, DEFAULT_WARMUP),
                value(autoscaling, Autoscaling::tolerance, DEFAULT_TOLERANCE),
                duration(autoscaling, Autoscaling::idlePeriod, DEFAULT_IDLE_PERIOD),
                new RateLimit(
                        value(up, ServiceSpec.ScaleUp::maxPods, DEFAULT_SCALE_UP.pods()),
                        value(up, ServiceSpec.ScaleUp::maxPercent, DEFAULT_SCALE_UP.percent()),
                        duration(up, ServiceSpec.ScaleUp::period, DEFAULT_SCALE_UP.period())),
                new RateLimit(
                        value(down, ServiceSpec.ScaleDown::maxPods, DEFAULT_SCALE_DOWN.pods()),
                        value(down, ServiceSpec.ScaleDown::maxPercent, DEFAULT_SCALE_DOWN.percent()),
                        duration(scaling, ServiceSpec.ScalingPolicy::cooldownDuration, DEFAULT_SCALE_DOWN.period())),
                duration(down, ServiceSpec.ScaleDown::stabilizationWindow, DEFAULT_STABILIZATION_WINDOW));
    }

    /**
     * The service-level block switches resource scaling on (as in Orbit); a container's own block replaces the
     * service's thresholds for that container, so its relative CPU is measured against its own limit.
     */
    private static Optional<ResourceTargets> resourceTargets(ServiceDefinition definition) {
        ServiceSpec.@Nullable ResourceThresholds service = definition.spec().resourceThresholds();
        if (service == null) {
            return Optional.empty();
        }
        Map<String, Thresholds> byContainer = new LinkedHashMap<>();
        for (ContainerDefinition container : definition.containers()) {
            ServiceSpec.@Nullable ResourceThresholds own = container.template().resourceThresholds();
            Thresholds thresholds = Thresholds.of(own != null ? own : service);
            if (thresholds.any()) {
                byContainer.put(container.name(), thresholds);
            }
        }
        if (byContainer.isEmpty()) {
            return Optional.empty();
        }
        ServiceSpec.@Nullable ScalingPolicy scaling = definition.spec().scalingPolicy();
        MetricsStrategy strategy = service.metricsStrategy() == null ? MetricsStrategy.max : service.metricsStrategy();
        return Optional.of(new ResourceTargets(
                byContainer,
                strategy,
                value(scaling, ServiceSpec.ScalingPolicy::scaleDownThresholdPercentage, DEFAULT_SCALE_DOWN_HOT_SHARE)));
    }

    private static Optional<ConcurrencyTarget> concurrencyTarget(@Nullable Autoscaling autoscaling) {
        if (autoscaling == null || autoscaling.concurrencyTarget() == null) {
            return Optional.empty();
        }
        return Optional.of(new ConcurrencyTarget(
                autoscaling.concurrencyTarget(),
                duration(autoscaling, Autoscaling::stableWindow, DEFAULT_STABLE_WINDOW),
                duration(autoscaling, Autoscaling::panicWindow, DEFAULT_PANIC_WINDOW),
                value(autoscaling, Autoscaling::panicThreshold, DEFAULT_PANIC_THRESHOLD)));
    }

    private static Optional<CodelTarget> codelTarget(ServiceSpec.@Nullable CodelConfig codel) {
        if (codel == null) {
            return Optional.empty();
        }
        return Optional.of(new CodelTarget(
                Units.duration(codel.target()),
                Units.duration(codel.interval()),
                Units.duration(codel.scaleCooldown()),
                codel.consecutiveIntervals() == null ? 3 : codel.consecutiveIntervals(),
                codel.maxScaleStep() == null ? 1 : codel.maxScaleStep()));
    }

    private static <T> Duration duration(
            @Nullable T block, Function<T, @Nullable String> field, Duration defaultValue) {
        String text = block == null ? null : field.apply(block);
        return text == null ? defaultValue : Units.duration(text);
    }

    private static <T, V> V value(@Nullable T block, Function<T, @Nullable V> field, V defaultValue) {
        V value = block == null ? null : field.apply(block);
        return value == null ? defaultValue : value;
    }

    /**
     * CPU and memory targets per container (only containers that have one).
     *
     * @param scaleDownHotShare {@code scaling_policy.scale_down_threshold_percentage}: while more than this percent
     *     of the measured pods are over a threshold, the resource signal does not ask for fewer pods
     */
    public record ResourceTargets(
            Map<String, Thresholds> byContainer, MetricsStrategy strategy, double scaleDownHotShare) {
        public ResourceTargets {
            byContainer = Map.copyOf(byContainer);
            requireNonNull(strategy, "strategy is null");
        }
    }

    /**
     * One container's targets in percent; empty when not set.
     *
     * @param cpuOfHost {@code cpu_percentage}: CPU as a share of the whole host
     * @param cpuOfLimit {@code cpu_percentage_relative}: CPU as a share of the container's own CPU limit
     * @param memory {@code memory_percentage}: memory as a share of the memory limit
     */
    public record Thresholds(OptionalDouble cpuOfHost, OptionalDouble cpuOfLimit, OptionalDouble memory) {
        public Thresholds {
            requireNonNull(cpuOfHost, "cpuOfHost is null");
            requireNonNull(cpuOfLimit, "cpuOfLimit is null");
            requireNonNull(memory, "memory is null");
        }

        static Thresholds of(ServiceSpec.ResourceThresholds thresholds) {
            return new Thresholds(
                    optional(thresholds.cpuPercentage()),
                    optional(thresholds.cpuPercentageRelative()),
                    optional(thresholds.memoryPercentage()));
        }

        boolean any() {
            return cpuOfHost.isPresent() || cpuOfLimit.isPresent() || memory.isPresent();
        }

        private static OptionalDouble optional(@Nullable Integer value) {
            return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
        }
    }

    /**
     * Knative's concurrency target.
     *
     * @param perPod in-flight requests one pod should carry
     * @param panicThreshold panic starts when the panic window asks for this many times the ready pods
     */
    public record ConcurrencyTarget(double perPod, Duration stableWindow, Duration panicWindow, double panicThreshold) {
        public ConcurrencyTarget {
            if (!(perPod > 0)) {
                throw new IllegalArgumentException("concurrency target must be above 0, got " + perPod);
            }
            requireNonNull(stableWindow, "stableWindow is null");
            requireNonNull(panicWindow, "panicWindow is null");
        }
    }

    /** Orbit's {@code codel} block, used as a booster: it adds pods on a standing queue and never removes any. */
    public record CodelTarget(
            Duration target, Duration interval, Duration scaleCooldown, int consecutiveIntervals, int maxScaleStep) {
        public CodelTarget {
            requireNonNull(target, "target is null");
            requireNonNull(interval, "interval is null");
            requireNonNull(scaleCooldown, "scaleCooldown is null");
        }
    }

    /** HPA's rate policy with {@code selectPolicy: Max}: whichever of the two allows the bigger step. */
    public record RateLimit(int pods, int percent, Duration period) {
        public RateLimit {
            requireNonNull(period, "period is null");
        }
    }
}
