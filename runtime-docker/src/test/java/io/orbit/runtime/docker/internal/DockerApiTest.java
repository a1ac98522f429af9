package io.orbit.runtime.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.runtime.LabelSelector;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DockerApiTest {

    @ParameterizedTest
    @CsvSource({"orbit-test-1_web.2, orbit-test-1_web.2", "a/b, a%2Fb", "a b?c#d, a%20b%3Fc%23d", ".., %2E%2E"})
    void namesAreOnePathSegment(String name, String segment) {
        assertThat(DockerApi.segment(name)).isEqualTo(segment);
    }

    @Test
    void imageReferencesKeepTheirSeparators() {
        assertThat(DockerApi.imagePath("127.0.0.1:5999/orbit/app@sha256:ab"))
                .isEqualTo("127.0.0.1:5999/orbit/app@sha256:ab");
    }

    @Test
    void labelFiltersAreEncodedJsonInAStableOrder() {
        String filter = DockerApi.labelFilter(LabelSelector.of("io.orbit.service", "web", "io.orbit.pod", "web-1"));

        assertThat(URLDecoder.decode(filter, StandardCharsets.UTF_8))
                .isEqualTo("{\"label\":[\"io.orbit.pod=web-1\",\"io.orbit.service=web\"]}");
    }

    @Test
    void eventFiltersAlsoSelectContainerEventsOnly() {
        String filter = DockerApi.containerEventFilter(LabelSelector.of("io.orbit.service", "web"));

        assertThat(URLDecoder.decode(filter, StandardCharsets.UTF_8))
                .contains("\"type\":[\"container\"]")
                .contains("\"label\":[\"io.orbit.service=web\"]");
    }
}
