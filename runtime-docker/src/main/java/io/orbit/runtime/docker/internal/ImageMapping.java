package io.orbit.runtime.docker.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ImageDetails;
import io.orbit.runtime.ImagePullException;
import io.orbit.runtime.PullProgressListener;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.http.EngineResponse;
import io.orbit.runtime.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Image references, {@code GET /images/{ref}/json} and the progress objects of {@code POST /images/create}. */
public final class ImageMapping {

    private ImageMapping() {}

    /**
     * The query of {@code POST /images/create} for a reference. The tag is always explicit: without one Docker pulls
     * every tag of the repository.
     */
    public static String pullQuery(String reference) {
        String repository = reference;
        String tag = "latest";
        int digest = reference.indexOf('@');
        int lastSlash = reference.lastIndexOf('/');
        int lastColon = reference.lastIndexOf(':');
        if (digest >= 0) {
            repository = reference.substring(0, digest);
            tag = reference.substring(digest + 1);
        } else if (lastColon > lastSlash) {
            // a colon before the last slash belongs to a registry's port ("127.0.0.1:5999/app")
            repository = reference.substring(0, lastColon);
            tag = reference.substring(lastColon + 1);
        }
        return "fromImage=" + DockerApi.query(repository) + "&tag=" + DockerApi.query(tag);
    }

    public static ImageDetails details(Target target, EngineResponse response) {
        Inspect inspect = DockerApi.decode(target, response, Inspect.class);
        return new ImageDetails(
                ContainerMapping.stripDigestPrefix(inspect.id()),
                inspect.repoTags() == null ? List.of() : inspect.repoTags(),
                inspect.repoDigests() == null ? List.of() : inspect.repoDigests());
    }

    /**
     * Reads a pull's 200 stream to its end, handing each progress object to the listener as a line.
     *
     * @throws ImagePullException for an error object in the stream, or a stream that breaks off
     */
    public static void followPull(String reference, InputStream stream, PullProgressListener progress) {
        try {
            Iterator<JsonNode> objects = Json.objects(stream);
            while (objects.hasNext()) {
                JsonNode object = objects.next();
                Optional<String> error = pullError(object);
                if (error.isPresent()) {
                    throw new ImagePullException(reference, error.get());
                }
                progress.onProgress(progressLine(object));
            }
        } catch (IOException e) {
            // a read that timed out is the caller's (it knows the deadline); any other break is this pull's failure
            if (io.orbit.runtime.http.EngineHttpClient.isIdleTimeout(e)) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new ImagePullException(reference, "the progress stream broke off: " + e);
        }
    }

    /** The error a pull reports inside its 200 stream, if this progress object is one. */
    public static Optional<String> pullError(JsonNode progress) {
        JsonNode error = progress.path("error");
        if (error.isMissingNode() || error.isNull()) {
            return Optional.empty();
        }
        String detail = progress.path("errorDetail").path("message").asText("");
        return Optional.of(detail.isBlank() ? error.asText() : detail);
    }

    /** One progress object as a line a human reads: {@code "<layer>: <status> <progress>"}. */
    public static String progressLine(JsonNode progress) {
        StringBuilder line = new StringBuilder();
        String id = progress.path("id").asText("");
        if (!id.isBlank()) {
            line.append(id).append(": ");
        }
        line.append(progress.path("status").asText(""));
        String bar = progress.path("progress").asText("");
        if (!bar.isBlank()) {
            line.append(' ').append(bar);
        }
        return line.toString().strip();
    }

    record Inspect(
            @JsonProperty("Id") String id,
            @JsonProperty("RepoTags") @Nullable List<String> repoTags,
            @JsonProperty("RepoDigests") @Nullable List<String> repoDigests) {}
}
