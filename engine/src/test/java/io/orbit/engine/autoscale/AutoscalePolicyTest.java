package io.orbit.engine.autoscale;

import static io.orbit.engine.autoscale.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.autoscale.AutoscalePolicy.CodelTarget;
import io.orbit.engine.autoscale.AutoscalePolicy.ConcurrencyTarget;
import io.orbit.engine.autoscale.AutoscalePolicy.RateLimit;
import io.orbit.engine.config.ServiceFileParser;
import io.orbit.engine.spec.ServiceSpec.MetricsStrategy;
import io.orbit.engine.spec.SpecValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class AutoscalePolicyTest {

    @Test
    void isDisabledWithoutAnySignalAsInOrbit() {
        AutoscalePolicy policy = policy(1, 3, "");

        assertThat(policy.enabled()).isFalse();
        assertThat(policy.resources()).isEmpty();
        assertThat(policy.concurrency()).isEmpty();
        assertThat(policy.codel()).isEmpty();
    }

    @Test
    void agreesWithTheDefinitionOnWhetherTheServiceAutoscales() {
        // The proxy holds requests for a service scaled to zero on ServiceSpec.hasScalingSignal(): it must be true
        // exactly when the autoscaler has a signal, or a request waits out its activation timeout for nothing.
        for (String yaml : List.of(
                "",
                "resource_thresholds: {}",
                "resource_thresholds: {metrics_strategy: average}",
                "resource_thresholds: {cpu_percentage: 50}",
                "resource_thresholds: {memory_percentage: 80}",
                "autoscaling: {concurrency_target: 5}",
                "codel: {target: 100ms, interval: 1s, scale_cooldown: 30s}")) {
            var definition = Fixtures.definition(0, 3, yaml);

            assertThat(definition.spec().hasScalingSignal())
                    .as(yaml)
                    .isEqualTo(
                            AutoscalePolicy.of(definition, Fixtures.HOST_CPUS).enabled());
        }
        assertThat(Fixtures.definition(0, 3, "resource_thresholds: {}").spec().hasScalingSignal())
                .isFalse();
        assertThat(Fixtures.definition(0, 3, "resource_thresholds: {cpu_percentage: 50}")
                        .spec()
                        .hasScalingSignal())
                .isTrue();
    }

    @Test
    void fillsEveryDefault() {
        AutoscalePolicy policy = policy(1, 3, "autoscaling: {concurrency_target: 10}");

        assertThat(policy.concurrency())
                .contains(new ConcurrencyTarget(10, Duration.ofSeconds(60), Duration.ofSeconds(6), 2.0));
        assertThat(policy.warmup()).isEqualTo(Duration.ofSeconds(60));
        assertThat(policy.tolerance()).isEqualTo(0.1);
        assertThat(policy.idlePeriod()).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.scaleUp()).isEqualTo(new RateLimit(4, 100, Duration.ofSeconds(15)));
        assertThat(policy.scaleDown()).isEqualTo(new RateLimit(1, 50, Duration.ofSeconds(60)));
        assertThat(policy.stabilizationWindow()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void mapsEveryExplicitField() {
        AutoscalePolicy policy = policy(0, 9, """
                resource_thresholds: {cpu_percentage_relative: 70, memory_percentage: 80, metrics_strategy: average}
                scaling_policy: {cooldown_duration: 2m, scale_down_threshold_percentage: 25}
                codel: {target: 100ms, interval: 1s, scale_cooldown: 30s, consecutive_intervals: 4, max_scale_step: 2}
                autoscaling:
                  concurrency_target: 2.5
                  stable_window: 90s
                  panic_window: 9s
                  panic_threshold: 3
                  warmup: 30s
                  tolerance: 0.2
                  idle_period: 10m
                  scale_up: {max_pods: 2, max_percent: 50, period: 30s}
                  scale_down: {stabilization_window: 10m, max_pods: 3, max_percent: 20}
                """);

        assertThat(policy.minReplicas()).isZero();
        assertThat(policy.maxReplicas()).isEqualTo(9);
        assertThat(policy.resources().orElseThrow().strategy()).isEqualTo(MetricsStrategy.average);
        assertThat(policy.resources().orElseThrow().scaleDownHotShare()).isEqualTo(25);
        assertThat(policy.resources().orElseThrow().byContainer().get("main").cpuOfLimit())
                .isEqualTo(OptionalDouble.of(70));
        assertThat(policy.codel())
                .contains(new CodelTarget(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30), 4, 2));
        assertThat(policy.concurrency())
                .contains(new ConcurrencyTarget(2.5, Duration.ofSeconds(90), Duration.ofSeconds(9), 3));
        assertThat(policy.warmup()).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.tolerance()).isEqualTo(0.2);
        assertThat(policy.idlePeriod()).isEqualTo(Duration.ofMinutes(10));
        assertThat(policy.scaleUp()).isEqualTo(new RateLimit(2, 50, Duration.ofSeconds(30)));
        assertThat(policy.scaleDown()).isEqualTo(new RateLimit(3, 20, Duration.ofMinutes(2)));
        assertThat(policy.stabilizationWindow()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void letsAContainersOwnThresholdsReplaceTheServices() {
        var definition = Fixtures.definition(1, 3, "resource_thresholds: {cpu_percentage: 50}");
        String yaml = "name: web\ninstance_count: {min: 1, max: 3}\nresource_thresholds: {cpu_percentage: 50}\n"
                + "spec:\n  containers:\n    - {name: main, image: nginx}\n"
                + "    - {name: side, image: nginx, resource_thresholds: {memory_percentage: 90}}\n";
        var parsed = new ServiceFileParser().parse(Path.of("web.yml"), yaml);
        var two = SpecValidator.validate(List.of(parsed), SpecValidator.DEFAULT_API_PORT)
                .services()
                .get(0);

        var targets = AutoscalePolicy.of(two, 8).resources().orElseThrow().byContainer();

        assertThat(AutoscalePolicy.of(definition, 8).resources()).isPresent();
        assertThat(targets.get("main").cpuOfHost()).isEqualTo(OptionalDouble.of(50));
        assertThat(targets.get("side").cpuOfHost()).isEmpty();
        assertThat(targets.get("side").memory()).isEqualTo(OptionalDouble.of(90));
    }
}
