package io.orbit.runtime.podman.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ImagePullException;
import io.orbit.runtime.http.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pull streams recorded from libpod: a failure arrives as an error line inside a 200 answer. */
class ImagePullTest {

    @Test
    void anErrorLineFailsThePullAfterTheProgressWasReported() throws IOException {
        Iterator<JsonNode> lines = lines("""
                {"stream":"Trying to pull 127.0.0.1:5999/orbit/nothing:1...\\n"}
                {"error":"initializing source docker://127.0.0.1:5999/orbit/nothing:1: pinging container registry 127.0.0.1:5999: Get \\"https://127.0.0.1:5999/v2/\\": dial tcp 127.0.0.1:5999: connect: connection refused"}
                """);
        List<String> progress = new ArrayList<>();

        assertThatThrownBy(() -> ImagePull.follow("127.0.0.1:5999/orbit/nothing:1", lines, progress::add))
                .isInstanceOfSatisfying(ImagePullException.class, failure -> {
                    assertThat(failure.reference()).isEqualTo("127.0.0.1:5999/orbit/nothing:1");
                    assertThat(failure.getMessage()).contains("connection refused");
                });
        assertThat(progress).containsExactly("Trying to pull 127.0.0.1:5999/orbit/nothing:1...");
    }

    @Test
    void aSuccessfulPullEndsWithTheImageId() throws IOException {
        Iterator<JsonNode> lines = lines("""
                {"images":["468deb9e5f6ee034f94875a8e8ed940831423ffa0989853231987a7a97d5de13"],"id":"468deb9e5f6ee034f94875a8e8ed940831423ffa0989853231987a7a97d5de13"}
                """);

        assertThat(ImagePull.follow("localhost/orbit-fixture:latest", lines, line -> {}))
                .isEqualTo("468deb9e5f6ee034f94875a8e8ed940831423ffa0989853231987a7a97d5de13");
    }

    @Test
    void aStreamThatEndsWithoutAnIdIsAFailedPull() throws IOException {
        assertThatThrownBy(() -> ImagePull.follow("a:1", lines("{\"stream\":\"x\"}"), line -> {}))
                .isInstanceOf(ImagePullException.class);
    }

    private static Iterator<JsonNode> lines(String stream) throws IOException {
        return Json.objects(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));
    }
}
