package io.orbit.runtime.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.NetworkDetails;
import io.orbit.runtime.NetworkSpec;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.VolumeDetails;
import io.orbit.runtime.VolumeSpec;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.http.EngineResponse;
import io.orbit.runtime.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkAndVolumeMappingTest {

    private static final Target NETWORK = new Target("list networks", ResourceKind.NETWORK, "web");
    private static final Target VOLUME = new Target("create volume", ResourceKind.VOLUME, "orbit-rec-vol");

    /** The body as it goes on the wire, read back (valueToTree would keep longs that parsed text has as ints). */
    private static JsonNode json(Object body) {
        try {
            return Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(body));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aUserBridgeNetworkHasDns() {
        assertThat(NetworkMapping.list(NETWORK, Recorded.ok("networks-list.json")))
                .containsExactly(new NetworkDetails(
                        "9c494b461299108cc02011a37d0cfeb88c7161d0b7af62bc717ad9375dec4af4",
                        "orbit-rec-net2",
                        true,
                        Map.of("io.orbit.service", "web")));
    }

    @Test
    void theDefaultBridgeHasNoDns() {
        String defaultBridge = "[{\"Name\":\"bridge\",\"Id\":\"b1\",\"Driver\":\"bridge\",\"Labels\":{}}]";

        assertThat(NetworkMapping.list(
                        NETWORK, new EngineResponse(200, defaultBridge.getBytes(StandardCharsets.UTF_8))))
                .singleElement()
                .extracting(NetworkDetails::dnsEnabled)
                .isEqualTo(false);
    }

    @Test
    void networkCreateAsksDockerToRejectDuplicates() throws Exception {
        assertThat(json(NetworkMapping.create(new NetworkSpec("front", Map.of("a", "1")))))
                .isEqualTo(Json.MAPPER.readTree(
                        "{\"Name\":\"front\",\"Driver\":\"bridge\",\"CheckDuplicate\":true,\"Labels\":{\"a\":\"1\"}}"));
    }

    @Test
    void aVolumeMapsWithItsMountpointAndLabels() {
        assertThat(VolumeMapping.details(VOLUME, new EngineResponse(201, Recorded.bytes("volume.json"))))
                .isEqualTo(new VolumeDetails(
                        "orbit-rec-vol",
                        "local",
                        "/var/lib/docker/volumes/orbit-rec-vol/_data",
                        Map.of("io.orbit.service", "web")));
    }

    @Test
    void volumeCreateCarriesDriverAndOptions() throws Exception {
        VolumeSpec spec = new VolumeSpec("data", "local", Map.of("type", "tmpfs"), Map.of("a", "1"));

        assertThat(json(VolumeMapping.create(spec)))
                .isEqualTo(
                        Json.MAPPER.readTree(
                                "{\"Name\":\"data\",\"Driver\":\"local\",\"DriverOpts\":{\"type\":\"tmpfs\"},\"Labels\":{\"a\":\"1\"}}"));
    }
}
