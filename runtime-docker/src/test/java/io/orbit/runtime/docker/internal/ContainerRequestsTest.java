package io.orbit.runtime.docker.internal;

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

class ContainerRequestsTest {

    /** The body as it goes on the wire, read back (valueToTree would keep longs that parsed text has as ints). */
    private static JsonNode json(Object body) {
        try {
            return Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(body));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aFullSpecBecomesDockersCreateBody() throws Exception {
        ContainerSpec spec = ContainerSpec.builder("web-1", "localhost/orbit-fixture:latest")
                .command("sh", "-c", "serve")
                .env("GREETING", "hello")
                .label("io.orbit.service", "web")
                .port(PortBinding.loopbackRandom(8080))
                .port(new PortBinding(8080, PortBinding.Protocol.TCP, "0.0.0.0", 8081))
                .port(new PortBinding(53, PortBinding.Protocol.UDP, "127.0.0.1", 5353))
                .limits(ResourceLimits.of(64L * 1024 * 1024, 0.5))
                .network(NetworkAttachment.of("front", "web", "www"))
                .network(NetworkAttachment.of("back", "web-back"))
                .mount(new Mount.Bind(Path.of("/etc/orbit"), "/etc/app", true))
                .mount(new Mount.Volume("data", "/data", false))
                .stopTimeout(Duration.ofMillis(2500))
                .privileged(true)
                .build();

        assertThat(json(ContainerRequests.create(spec))).isEqualTo(Json.MAPPER.readTree("""
                {
                  "Image": "localhost/orbit-fixture:latest",
                  "Cmd": ["sh", "-c", "serve"],
                  "Env": ["GREETING=hello"],
                  "Labels": {"io.orbit.service": "web"},
                  "ExposedPorts": {"8080/tcp": {}, "53/udp": {}},
                  "HostConfig": {
                    "PortBindings": {
                      "8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "0"}, {"HostIp": "0.0.0.0", "HostPort": "8081"}],
                      "53/udp": [{"HostIp": "127.0.0.1", "HostPort": "5353"}]
                    },
                    "Memory": 67108864,
                    "NanoCpus": 500000000,
                    "Mounts": [
                      {"Type": "bind", "Source": "/etc/orbit", "Target": "/etc/app", "ReadOnly": true},
                      {"Type": "volume", "Source": "data", "Target": "/data", "ReadOnly": false}
                    ],
                    "Privileged": true,
                    "NetworkMode": "front"
                  },
                  "StopTimeout": 3,
                  "NetworkingConfig": {"EndpointsConfig": {"front": {"Aliases": ["web", "www"]}}}
                }
                """));
    }

    @Test
    void networksAfterTheFirstAreConnectedSeparately() throws Exception {
        ContainerSpec spec = ContainerSpec.builder("web-1", "img")
                .network(NetworkAttachment.of("front"))
                .network(NetworkAttachment.of("back", "web-back"))
                .build();

        assertThat(ContainerRequests.furtherNetworks(spec)).containsExactly(NetworkAttachment.of("back", "web-back"));
        assertThat(json(ContainerRequests.connect("c1", NetworkAttachment.of("back", "web-back"))))
                .isEqualTo(
                        Json.MAPPER.readTree("{\"Container\":\"c1\",\"EndpointConfig\":{\"Aliases\":[\"web-back\"]}}"));
    }

    @Test
    void anEmptyCommandKeepsTheImagesAndNoNetworkKeepsDockersDefault() {
        JsonNode body = json(
                ContainerRequests.create(ContainerSpec.builder("web-1", "img").build()));

        assertThat(body.has("Cmd"))
                .as("an empty Cmd would replace the image's CMD")
                .isFalse();
        assertThat(body.has("NetworkingConfig")).isFalse();
        assertThat(body.path("HostConfig").has("NetworkMode")).isFalse();
        assertThat(body.path("StopTimeout").asLong()).isEqualTo(10);
    }
}
