package io.orbit.runtime.podman.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.runtime.ImageDetails;
import io.orbit.runtime.NetworkDetails;
import io.orbit.runtime.VolumeDetails;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceRecordsTest {

    @Test
    void network() {
        assertThat(ResourceRecords.network(RecordedResponses.load("network-inspect.json")))
                .isEqualTo(new NetworkDetails(
                        "91ecc44a3b3aff5d9cac4e970b7b1c9cdd90b5f1bafdcb8e6df5fe8bdd173ab4",
                        "probe-net",
                        true,
                        Map.of("io.orbit.x", "1")));
    }

    @Test
    void volume() {
        assertThat(ResourceRecords.volume(RecordedResponses.load("volume-inspect.json")))
                .isEqualTo(new VolumeDetails(
                        "probe-vol",
                        "local",
                        "/var/lib/containers/storage/volumes/probe-vol/_data",
                        Map.of("io.orbit.x", "1")));
    }

    @Test
    void imageIdHasNoDigestPrefixAndPodmanFillsRepoDigestsForLocalImages() {
        assertThat(ResourceRecords.image(RecordedResponses.load("image-inspect.json")))
                .isEqualTo(
                        new ImageDetails(
                                "468deb9e5f6ee034f94875a8e8ed940831423ffa0989853231987a7a97d5de13",
                                List.of("localhost/orbit-fixture:latest"),
                                List.of(
                                        "localhost/orbit-fixture@sha256:86dcc3552e9f6ab20c82ec4ef0645f77326e3f7a76b666384164a6c9b5d3c1b1")));
    }
}
