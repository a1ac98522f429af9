package io.orbit.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A complete engine response: status and body bytes. */
public record EngineResponse(int status, byte[] body) {

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as a JSON tree; an empty body reads as a missing node. */
    public JsonNode json() {
        if (body.length == 0) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "engine answered " + status + " with a body that is not JSON: " + bodyText(), e);
        }
    }

    /** The engine's error message: {@code message} of the JSON body (both engines), else the raw body. */
    public String errorMessage() {
        try {
            JsonNode message = Json.MAPPER.readTree(body).path("message");
            if (message.isTextual()) {
                return message.asText();
            }
        } catch (IOException notJson) {
            // fall through to the raw text
        }
        return bodyText().strip();
    }
}
