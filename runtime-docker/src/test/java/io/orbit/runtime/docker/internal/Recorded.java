package io.orbit.runtime.docker.internal;

import io.orbit.runtime.http.EngineResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Engine answers recorded with curl from dockerd 20.10.24, under {@code src/test/resources/io/orbit/runtime/docker}. */
final class Recorded {

    private Recorded() {}

    static byte[] bytes(String name) {
        try (InputStream in = Recorded.class.getResourceAsStream("/io/orbit/runtime/docker/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded answer " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recording as a 200 answer. */
    static EngineResponse ok(String name) {
        return new EngineResponse(200, bytes(name));
    }
}
