package io.orbit.runtime.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.runtime.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Answers recorded with curl from Podman 4.3.1 on this project's build machine (rootful and rootless for user
 * orbituser), kept under {@code src/test/resources/io/orbit/runtime/podman}.
 */
final class RecordedResponses {

    private RecordedResponses() {}

    static JsonNode load(String name) {
        String resource = "/io/orbit/runtime/podman/" + name;
        try (InputStream in = RecordedResponses.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded response " + resource);
            }
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A recorded object to edit, for cases the engine cannot be made to produce on demand (an OOM kill). */
    static ObjectNode loadEditable(String name) {
        return (ObjectNode) load(name).deepCopy();
    }
}
