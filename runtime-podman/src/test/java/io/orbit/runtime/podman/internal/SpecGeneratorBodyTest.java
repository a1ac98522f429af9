package io.orbit.runtime.podman.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.Mount;
import io.orbit.runtime.NetworkAttachment;
import io.orbit.runtime.PortBinding;
import io.orbit.runtime.ResourceLimits;
import io.orbit.runtime.http.Json;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpecGeneratorBodyTest {

    @Test
    void everyFieldOfTheSpecReachesTheSpecGenerator() throws Exception {
        ContainerSpec spec = ContainerSpec.builder("web-1", "localhost/app:1")
                .command("sh", "-c", "serve")
                .env("GREETING", "hello")
                .label("orbit.service", "web")
                .port(PortBinding.loopbackRandom(8080))
                .limits(ResourceLimits.of(64L * 1024 * 1024, 0.5))
                .network(NetworkAttachment.of("orbit-net", "web"))
                .mount(new Mount.Bind(Path.of("/srv/config"), "/etc/app", true))
                .mount(new Mount.Volume("data", "/data", false))
                .stopTimeout(Duration.ofMillis(1500))
                .build();

        JsonNode expected = Json.MAPPER.readTree("""
                {
                  "name": "web-1",
                  "image": "localhost/app:1",
                  "command": ["sh", "-c", "serve"],
                  "env": {"GREETING": "hello"},
                  "labels": {"orbit.service": "web"},
                  "stop_timeout": 2,
                  "privileged": false,
                  "portmappings": [{"container_port": 8080, "host_port": 0, "host_ip": "127.0.0.1", "protocol": "tcp"}],
                  "resource_limits": {"memory": {"limit": 67108864}, "cpu": {"quota": 50000, "period": 100000}},
                  "netns": {"nsmode": "bridge"},
                  "networks": {"orbit-net": {"aliases": ["web"]}},
                  "mounts": [{"destination": "/etc/app", "type": "bind", "source": "/srv/config", "options": ["rbind", "ro"]}],
                  "volumes": [{"Name": "data", "Dest": "/data", "Options": ["rw"]}]
                }
                """);
        // Compared as the engine reads it: the bytes sent, parsed again (an int and a long field are the same JSON).
        JsonNode sent = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(SpecGeneratorBody.of(spec)));
        assertThat(sent).isEqualTo(expected);
    }

    @Test
    void aMinimalSpecKeepsTheImagesCommandAndPodmansDefaultNetwork() {
        JsonNode body = SpecGeneratorBody.of(
                ContainerSpec.builder("plain", "localhost/app:1").build());

        assertThat(body.has("command")).isFalse();
        assertThat(body.has("resource_limits")).isFalse();
        assertThat(body.has("netns")).isFalse();
        assertThat(body.has("mounts")).isFalse();
        assertThat(body.has("volumes")).isFalse();
        assertThat(body.path("stop_timeout").asLong()).isEqualTo(10);
    }

    @Test
    void aTinyCpuLimitIsRaisedToTheKernelsMinimumQuota() {
        JsonNode body = SpecGeneratorBody.of(ContainerSpec.builder("tiny", "localhost/app:1")
                .limits(new ResourceLimits(0, 1_000_000))
                .build());

        assertThat(body.path("resource_limits").path("cpu").path("quota").asLong())
                .isEqualTo(1_000);
        assertThat(body.path("resource_limits").has("memory")).isFalse();
    }
}
