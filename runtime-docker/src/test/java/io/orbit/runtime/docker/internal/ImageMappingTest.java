package io.orbit.runtime.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.runtime.ImageDetails;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.http.Json;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageMappingTest {

    @ParameterizedTest
    @CsvSource({
        "busybox, fromImage=busybox&tag=latest",
        "localhost/orbit-fixture:1.2, fromImage=localhost%2Forbit-fixture&tag=1.2",
        "127.0.0.1:5999/orbit/nothing:1, fromImage=127.0.0.1%3A5999%2Forbit%2Fnothing&tag=1",
        "localhost:5000/app, fromImage=localhost%3A5000%2Fapp&tag=latest",
        "app@sha256:abc123, fromImage=app&tag=sha256%3Aabc123"
    })
    void thePullQueryAlwaysNamesATag(String reference, String query) {
        assertThat(ImageMapping.pullQuery(reference)).isEqualTo(query);
    }

    @Test
    void aLocalImageHasItsIdWithoutPrefixAndNoDigests() {
        ImageDetails image = ImageMapping.details(
                new Target("inspect image", ResourceKind.IMAGE, "localhost/orbit-fixture:latest"),
                Recorded.ok("image-inspect.json"));

        assertThat(image)
                .isEqualTo(new ImageDetails(
                        "d11ad66f1196b9cead3f92f6e79701dab559dea579a2f14e018f8f19d2073dba",
                        List.of("localhost/orbit-fixture:latest"),
                        List.of()));
    }

    @Test
    void anErrorInsideThePullStreamIsRecognisedWithItsDetail() throws IOException {
        // the shape Docker documents for in-stream failures (a 500 comes first when the registry is unreachable)
        var error = Json.MAPPER.readTree(
                "{\"errorDetail\":{\"message\":\"manifest for app:9 not found\"},\"error\":\"manifest unknown\"}");
        var progress = Json.MAPPER.readTree(
                "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1,\"total\":2},\"progress\":\"[=>  ]\",\"id\":\"a1b2\"}");

        assertThat(ImageMapping.pullError(error)).hasValue("manifest for app:9 not found");
        assertThat(ImageMapping.pullError(progress)).isEmpty();
        assertThat(ImageMapping.progressLine(progress)).isEqualTo("a1b2: Downloading [=>  ]");
    }
}
