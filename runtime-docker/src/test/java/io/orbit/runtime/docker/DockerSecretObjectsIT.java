package io.orbit.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.runtime.CapabilityUnavailableException;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.SecretMount;
import io.orbit.runtime.SecretSpec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Secret objects on a real dockerd (issue 17): it keeps none outside swarm, so the adapter says so instead of
 * pretending: no secret objects, a create or a container with a secret mount refused naming the capability and the
 * way out (the orchestrator bind-mounts secret files instead), and nothing created on the engine meanwhile.
 */
@Tag("container-engine")
class DockerSecretObjectsIT {

    private ContainerRuntime runtime;

    @BeforeEach
    void open() {
        runtime = DockerContainerRuntime.open(EngineSockets.docker());
    }

    @AfterEach
    void close() {
        runtime.close();
    }

    @Test
    void dockerHasNoSecretObjectsAndRefusesThemClearly() {
        assertThat(runtime.hasSecretObjects()).isFalse();
        assertThat(runtime.info().capabilities()).doesNotContain(EngineInfo.Capability.SECRET_OBJECTS);
        assertThat(runtime.listSecrets()).isEmpty();

        assertThatThrownBy(() -> runtime.createSecret(new SecretSpec(
                        "orbit-test-docker-secret", "pw-Zq8".getBytes(StandardCharsets.UTF_8), Map.of())))
                .isInstanceOf(CapabilityUnavailableException.class)
                .hasMessageNotContaining("pw-Zq8");
        int before = runtime.listContainers(io.orbit.runtime.LabelSelector.of("io.orbit.test.secret", "docker"))
                .size();
        assertThatThrownBy(() -> runtime.createContainer(
                        ContainerSpec.builder("orbit-test-docker-secret-mount", "localhost/orbit-fixture:latest")
                                .label("io.orbit.test.secret", "docker")
                                .secret(new SecretMount("orbit-test-docker-secret", "/run/secrets/pw", 0, 0, 0400))
                                .build()))
                .isInstanceOf(CapabilityUnavailableException.class)
                .hasMessageContaining("read-only bind");
        assertThat(runtime.listContainers(io.orbit.runtime.LabelSelector.of("io.orbit.test.secret", "docker")))
                .hasSize(before);
    }
}
