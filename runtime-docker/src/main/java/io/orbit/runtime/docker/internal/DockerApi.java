package io.orbit.runtime.docker.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.orbit.runtime.LabelSelector;
import io.orbit.runtime.RuntimeApiException;
import io.orbit.runtime.RuntimeUnavailableException;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.http.EngineHttpClient;
import io.orbit.runtime.http.EngineResponse;
import io.orbit.runtime.http.EngineStream;
import io.orbit.runtime.http.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * dockerd's Engine API at version 1.41 over {@link EngineHttpClient}: builds paths, checks every answer through
 * {@link DockerErrors} and decodes bodies into the wire records. Thread-safe.
 */
public final class DockerApi implements AutoCloseable {

    /** The API version this adapter speaks; dockerd 20.10 serves 1.41, newer daemons accept it too. */
    public static final String API_VERSION = "1.41";

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final String PREFIX = "/v" + API_VERSION;
    private static final String REMEDY = "start dockerd (scripts/setup-engines.sh does) or pass --runtime-socket";

    private final EngineHttpClient client;

    private DockerApi(EngineHttpClient client) {
        this.client = client;
    }

    public static DockerApi open(Path socket) {
        return new DockerApi(EngineHttpClient.open(socket, REMEDY));
    }

    /** {@code unix:///var/run/docker.sock}, for engine info and messages. */
    public String endpoint() {
        return client.endpoint();
    }

    /** Sends a request with the default timeout and returns the successful response, or throws the mapped error. */
    public EngineResponse send(Target target, String method, String path, @Nullable Object body) {
        return send(target, method, path, body, DEFAULT_TIMEOUT);
    }

    public EngineResponse send(Target target, String method, String path, @Nullable Object body, Duration timeout) {
        return DockerErrors.check(target, exchange(method, path, body, timeout));
    }

    /** A GET whose 404 means "absent" rather than an error (image and volume inspect). */
    public Optional<EngineResponse> find(Target target, String path) {
        EngineResponse response = exchange("GET", path, null, DEFAULT_TIMEOUT);
        return response.status() == 404 ? Optional.empty() : Optional.of(DockerErrors.check(target, response));
    }

    /** The raw exchange, for callers that branch on the status themselves before handing errors to DockerErrors. */
    EngineResponse exchange(String method, String path, @Nullable Object body, Duration timeout) {
        return client.call(method, PREFIX + path, body, timeout);
    }

    /** A long-lived response (events, pull progress); the caller checks the status and closes the stream. */
    public EngineStream stream(String method, String path, @Nullable Object body) {
        return client.stream(method, PREFIX + path, body);
    }

    /** As {@link #stream}, failing a read after {@code idleTimeout} without a byte ({@link EngineHttpClient#isIdleTimeout}). */
    public EngineStream stream(String method, String path, @Nullable Object body, Duration idleTimeout) {
        return client.stream(method, PREFIX + path, body, idleTimeout);
    }

    /** For a stream that broke off after it was opened: the engine went away mid-answer. */
    public RuntimeUnavailableException brokenStream(String what, IOException cause) {
        return new RuntimeUnavailableException(endpoint(), what + " broke off: " + cause.getMessage(), REMEDY, cause);
    }

    /** A long-lived request not sent yet, so that another thread can abort it while it waits for the answer. */
    public EngineHttpClient.PendingStream prepareStream(String method, String path, @Nullable Object body) {
        return client.prepareStream(method, PREFIX + path, body);
    }

    /** Returns a successful stream, or closes it and throws the mapped error of its answer. */
    public static EngineStream check(Target target, EngineStream stream) {
        if (DockerErrors.isSuccess(stream.status())) {
            return stream;
        }
        byte[] body = stream.readRemaining().getBytes(StandardCharsets.UTF_8);
        stream.close();
        throw DockerErrors.toException(
                target, stream.status(), new EngineResponse(stream.status(), body).errorMessage());
    }

    /** Decodes a body into a wire record; a body of the wrong shape is the engine's error, not ours. */
    static <T> T decode(Target target, EngineResponse response, Class<T> type) {
        try {
            return Json.MAPPER.readValue(response.body(), type);
        } catch (IOException e) {
            throw new RuntimeApiException(
                    target.operation() + " (reading the answer)", response.status(), "unexpected JSON: " + e);
        }
    }

    /** A container id or name, a network or volume name, as one path segment. */
    public static String segment(String value) {
        return encodePath(value, false);
    }

    /** An image reference in a path: Docker's router takes {@code /images/localhost/app:1/json} unescaped. */
    public static String imagePath(String reference) {
        return encodePath(reference, true);
    }

    /** A query value, percent-encoded. */
    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The {@code filters} query value selecting objects by all labels of the selector (Docker ANDs them). */
    public static String labelFilter(LabelSelector selector) {
        return filters(Map.of("label", selector.asFilterValues()));
    }

    /** The {@code filters} query value for events: container events carrying every label of the selector. */
    public static String containerEventFilter(LabelSelector selector) {
        return filters(Map.of("type", List.of("container"), "label", selector.asFilterValues()));
    }

    public static String filters(Map<String, List<String>> filters) {
        try {
            return query(Json.MAPPER.writeValueAsString(new TreeMap<>(filters))); // a stable order, for logs and tests
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of string lists always serialises", e);
        }
    }

    private static String encodePath(String value, boolean keepReferenceSeparators) {
        requireNonNull(value, "value is null");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty name in an engine path");
        }
        if (value.equals(".") || value.equals("..")) {
            return value.replace(".", "%2E"); // never a path step
        }
        StringBuilder encoded = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean plain = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            boolean separator = keepReferenceSeparators && (c == '/' || c == ':' || c == '@');
            if (plain || separator) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format(java.util.Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }

    @Override
    public void close() {
        client.close();
    }
}
