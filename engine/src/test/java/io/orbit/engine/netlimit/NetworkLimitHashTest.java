package io.orbit.engine.netlimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.state.PodTemplateHash;
import io.orbit.engine.testing.TestServices;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** A changed network_limit rolls the pods (new containers, new labels); no limit leaves old hashes alone. */
class NetworkLimitHashTest {

    @Test
    void theLimitIsPartOfTheConfigHashOnlyWhenSet() {
        String plain = PodTemplateHash.of(TestServices.service("web").definition());

        assertThat(PodTemplateHash.of(withLimit(null))).isEqualTo(plain);
        assertThat(PodTemplateHash.of(withLimit(new ContainerTemplate.NetworkLimit(null, "8Mbps", null, null))))
                .isNotEqualTo(plain)
                .isNotEqualTo(
                        PodTemplateHash.of(withLimit(new ContainerTemplate.NetworkLimit(null, "4Mbps", null, null))))
                .isEqualTo(
                        PodTemplateHash.of(withLimit(new ContainerTemplate.NetworkLimit(null, "8Mbps", null, null))));
    }

    private static ServiceDefinition withLimit(ContainerTemplate.@Nullable NetworkLimit limit) {
        ServiceDefinition base = TestServices.service("web").definition();
        ContainerDefinition main = base.containers().getFirst();
        ContainerTemplate t = main.template();
        ContainerTemplate template = new ContainerTemplate(
                t.name(),
                t.image(),
                t.command(),
                t.env(),
                t.privileged(),
                t.ports(),
                t.volumeMounts(),
                t.memoryLimit(),
                t.cpuLimit(),
                limit,
                t.resourceThresholds(),
                t.healthCheck(),
                t.envFile(),
                t.secrets());
        ContainerDefinition limited = new ContainerDefinition(
                main.name(), main.image(), main.command(), Map.of(), false, main.ports(), 0, 0, template);
        return new ServiceDefinition(
                base.file(),
                base.spec(),
                List.of(limited),
                base.minInstances(),
                base.maxInstances(),
                base.userNetwork(),
                base.imageCheckInterval());
    }
}
