package io.orbit.runtime.podman.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.RuntimeUnavailableException;
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
import org.jspecify.annotations.Nullable;

/**
 * libpod's REST API on one socket. Every answer is checked here, through {@link PodmanErrors}, so the adapter sees
 * JSON of successful answers or a typed exception, never a status code.
 */
public final class LibpodClient implements AutoCloseable {

    /** The libpod API version in every path; Podman 4.x and 5.x services serve it. */
    public static final String API_VERSION = "4.0.0";

    /** Enough for any non-streaming call on a loaded two-CPU host; a slow start takes about half a second. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final String PREFIX = "/v" + API_VERSION + "/libpod";

    private final EngineHttpClient http;
    private final String remedy;

    private LibpodClient(EngineHttpClient http, String remedy) {
        this.http = http;
        this.remedy = remedy;
    }

    public static LibpodClient open(Path socket) {
        requireNonNull(socket, "socket is null");
        String remedy = ("start it with `podman system service --time=0 unix://%s` (scripts/setup-engines.sh does)"
                        + " or pass --runtime-socket")
                .formatted(socket);
        return new LibpodClient(EngineHttpClient.open(socket, remedy), remedy);
    }

    public String endpoint() {
        return http.endpoint();
    }

    /**
     * Sends a request and returns the raw answer of a successful one.
     *
     * @param path below {@code /v4.0.0/libpod}, already encoded, e.g. {@code /containers/json?all=true}
     */
    public EngineResponse exchange(
            PodmanOperation operation,
            Subject subject,
            String method,
            String path,
            @Nullable Object body,
            Duration timeout) {
        EngineResponse response = http.call(method, PREFIX + path, body, timeout);
        if (!PodmanErrors.isSuccess(response.status())) {
            throw PodmanErrors.toException(operation, subject, response.status(), response.bodyText());
        }
        return response;
    }

    /** Sends a request and returns the JSON of a successful answer (a missing node for an empty body). */
    public JsonNode send(
            PodmanOperation operation, Subject subject, String method, String path, @Nullable Object body) {
        return exchange(operation, subject, method, path, body, DEFAULT_TIMEOUT).json();
    }

    /** GETs an object that may not exist: 404 is an empty answer here, not an error. */
    public Optional<JsonNode> find(PodmanOperation operation, Subject subject, String path) {
        EngineResponse response = http.call("GET", PREFIX + path, null, DEFAULT_TIMEOUT);
        if (response.status() == 404) {
            return Optional.empty();
        }
        if (!PodmanErrors.isSuccess(response.status())) {
            throw PodmanErrors.toException(operation, subject, response.status(), response.bodyText());
        }
        return Optional.of(response.json());
    }

    /** Opens a long response (events, pull progress); the caller closes it. */
    public EngineStream stream(PodmanOperation operation, Subject subject, String method, String path) {
        return check(operation, subject, http.stream(method, PREFIX + path, null));
    }

    /** As {@link #stream}, failing a read after {@code idleTimeout} without a byte ({@link EngineHttpClient#isIdleTimeout}). */
    public EngineStream stream(
            PodmanOperation operation, Subject subject, String method, String path, Duration idleTimeout) {
        return check(operation, subject, http.stream(method, PREFIX + path, null, idleTimeout));
    }

    /** A long response not sent yet, so that another thread can abort it while it waits for the answer's head. */
    public EngineHttpClient.PendingStream prepareStream(String method, String path) {
        return http.prepareStream(method, PREFIX + path, null);
    }

    /** Returns a successful stream, or closes it and throws the mapped error of its answer. */
    public static EngineStream check(PodmanOperation operation, Subject subject, EngineStream stream) {
        if (stream.isSuccess()) {
            return stream;
        }
        String body = stream.readRemaining();
        stream.close();
        throw PodmanErrors.toException(operation, subject, stream.status(), body);
    }

    /** For a stream that broke off after it was opened: the engine went away mid-answer. */
    public RuntimeUnavailableException brokenStream(String what, IOException cause) {
        return new RuntimeUnavailableException(endpoint(), what + " broke off: " + cause.getMessage(), remedy, cause);
    }

    /** Percent-encodes one path segment (a container id or name, a network or volume name). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Encodes an image reference for {@code /images/{name}/json}: libpod's route takes the slashes of {@code
     * registry/repo:tag} literally, so they stay.
     */
    public static String imagePath(String reference) {
        return String.join(
                "/",
                java.util.Arrays.stream(reference.split("/", -1))
                        .map(part -> segment(part).replace("%3A", ":").replace("%40", "@"))
                        .toList());
    }

    /** libpod takes timeouts in whole seconds; rounding up keeps a 1.5 s grace period from shrinking to 1 s. */
    public static long wholeSeconds(Duration duration) {
        return duration.toSeconds() + (duration.toNanosPart() > 0 ? 1 : 0);
    }

    /** Encodes a query parameter value. */
    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** libpod's {@code filters} parameter: a JSON object of lists, URL-encoded. */
    public static String filters(Map<String, List<String>> filters) {
        try {
            return query(Json.MAPPER.writeValueAsString(filters));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("filters cannot be written as JSON: " + filters, e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
