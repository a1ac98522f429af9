package io.orbit.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.HostAccess;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.engine.spec.Units;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Orbit's example configs (specs/valid) resolve to the values Orbit gave them. */
class OrbitExamplesTest {

    private static final long MIB = 1024 * 1024;
    private static Map<String, ServiceDefinition> services;

    @BeforeAll
    static void loadExamples() throws URISyntaxException {
        Path valid = Path.of(OrbitExamplesTest.class.getResource("/specs/valid").toURI());
        // Orbit's resource-limits example runs privileged: it loads with --allow-host-access only.
        SpecValidator.Result result = SpecValidator.validate(
                new ConfigDirectory(valid).loadAll(), SpecValidator.DEFAULT_API_PORT, HostAccess.permitted());
        services = result.services().stream().collect(Collectors.toMap(ServiceDefinition::name, Function.identity()));
    }

    @Test
    void loadsEveryExampleIncludingTheNestedOne() {
        assertThat(services)
                .containsOnlyKeys(
                        "helloworld",
                        "helloworld2",
                        "resource-demo",
                        "health-monitored",
                        "adaptive-scaling",
                        "mongotest");
        assertThat(services.get("mongotest").file()).isEqualTo(Path.of("team/mongo.yml"));
    }

    @Test
    void helloWorldIsOneContainerBehindANodePortWithServiceLimits() {
        ServiceDefinition hello = services.get("helloworld");

        assertThat(hello.minInstances()).isEqualTo(2);
        assertThat(hello.maxInstances()).isEqualTo(10);
        assertThat(hello.spec().pullPolicy()).isEqualTo(ServiceSpec.PullPolicy.Always);
        assertThat(hello.containers()).singleElement().satisfies(main -> {
            assertThat(main.memoryBytes()).isEqualTo(100 * MIB);
            assertThat(main.nanoCpus()).isEqualTo(500_000_000L);
            assertThat(main.ports())
                    .singleElement()
                    .satisfies(port -> assertThat(port.nodePort()).isEqualTo(4333));
        });
    }

    @Test
    void sidecarInheritsTheServiceLimitsUnlessItSetsItsOwnAndMountsItsInlineConfig() {
        ServiceDefinition sidecar = services.get("helloworld2");

        assertThat(sidecar.containers())
                .extracting(ContainerDefinition::name, ContainerDefinition::memoryBytes, ContainerDefinition::nanoCpus)
                .containsExactly(
                        tuple("main", 100 * MIB, 500_000_000L), tuple("nginx-sidecar", 200 * MIB, 500_000_000L));
        assertThat(sidecar.containers().get(1).template().volumeMountsOrEmpty())
                .singleElement()
                .satisfies(mount -> {
                    assertThat(mount.subPath()).isEqualTo("nginx.conf");
                    assertThat(mount.isReadOnly()).isTrue();
                });
        assertThat(sidecar.spec().volumesOrEmpty().get("nginx-config").files().get("nginx.conf"))
                .contains("proxy_pass http://helloworld2-main:80;")
                .doesNotEndWith("\n");
    }

    @Test
    void resourceLimitsTakeNumbersAndStringsInOrbitsUnits() {
        ServiceDefinition demo = services.get("resource-demo");

        assertThat(demo.containers())
                .extracting(ContainerDefinition::name, ContainerDefinition::memoryBytes, ContainerDefinition::nanoCpus)
                .containsExactly(tuple("main", 128 * MIB, 200_000_000L), tuple("worker", 512 * MIB, 1_500_000_000L));
        ContainerDefinition main = demo.containers().get(0);
        assertThat(main.privileged()).isTrue();
        assertThat(Units.bitsPerSecond(main.template().networkLimit().ingressRate()))
                .isEqualTo(10_000_000L);
        assertThat(demo.spec().resourceThresholds().metricsStrategy()).isEqualTo(ServiceSpec.MetricsStrategy.max);
    }

    @Test
    void healthCheckExampleKeepsItsProbeAndRolloutSettings() {
        ServiceDefinition health = services.get("health-monitored");

        assertThat(Units.duration(health.spec().rollingUpdateConfig().timeout()))
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(health.containers()
                        .get(0)
                        .template()
                        .healthCheck()
                        .tcpCheck()
                        .port())
                .isEqualTo(80);
        assertThat(health.imageCheckInterval()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void codelExampleShedsWithItsStatusCode() {
        ServiceSpec.CodelConfig codel = services.get("adaptive-scaling").spec().codel();

        assertThat(Units.duration(codel.target())).isEqualTo(Duration.ofMillis(100));
        assertThat(Units.duration(codel.interval())).isEqualTo(Duration.ofSeconds(1));
        assertThat(Units.duration(codel.scaleCooldown())).isEqualTo(Duration.ofSeconds(30));
        assertThat(codel.overloadStatusCode()).isEqualTo(503);
        assertThat(services.get("adaptive-scaling").spec().scalingPolicy().scaleDownThresholdPercentage())
                .isEqualTo(50.0);
    }

    @Test
    void mongoExamplePassesItsCommandAndPublishesAHostPort() {
        ContainerDefinition mongo = services.get("mongotest").containers().get(0);

        assertThat(mongo.command()).containsExactly("--replSet", "rs1", "--bind_ip_all");
        assertThat(mongo.ports())
                .singleElement()
                .satisfies(port -> assertThat(port.targetPort()).isEqualTo(27017));
        assertThat(services.get("mongotest").spec().adoptsOrphans()).isFalse();
    }
}
