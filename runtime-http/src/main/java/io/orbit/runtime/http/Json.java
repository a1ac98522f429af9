package io.orbit.runtime.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;

/** The JSON mapper the adapters share. Configured once and never changed, so safe to share between threads. */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {}

    /**
     * Reads a stream of concatenated JSON objects (the engines' events and pull progress), one at a time as they
     * arrive.
     */
    public static Iterator<JsonNode> objects(InputStream in) throws IOException {
        return MAPPER.readerFor(JsonNode.class).readValues(in);
    }
}
