package io.orbit.runtime.podman.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LibpodClientTest {

    @Test
    void imageReferencesKeepTheirSlashesColonsAndDigests() {
        assertThat(LibpodClient.imagePath("localhost/orbit-fixture:latest"))
                .isEqualTo("localhost/orbit-fixture:latest");
        assertThat(LibpodClient.imagePath("127.0.0.1:5999/orbit/nothing:1"))
                .isEqualTo("127.0.0.1:5999/orbit/nothing:1");
        assertThat(LibpodClient.imagePath("repo@sha256:abc")).isEqualTo("repo@sha256:abc");
        assertThat(LibpodClient.imagePath("a b")).isEqualTo("a%20b");
    }

    @Test
    void segmentsAndQueriesAreEncoded() {
        assertThat(LibpodClient.segment("web-1_x.y")).isEqualTo("web-1_x.y");
        assertThat(LibpodClient.segment("a/b c")).isEqualTo("a%2Fb%20c");
        assertThat(LibpodClient.query("127.0.0.1:5999/x:1")).isEqualTo("127.0.0.1%3A5999%2Fx%3A1");
    }

    @Test
    void filtersAreJsonThenUrlEncoded() {
        assertThat(LibpodClient.filters(Map.of("label", List.of("a=1", "b=2"))))
                .isEqualTo("%7B%22label%22%3A%5B%22a%3D1%22%2C%22b%3D2%22%5D%7D");
    }
}
