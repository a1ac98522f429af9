package io.orbit.runtime.podman.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ImagePullException;
import io.orbit.runtime.PullProgressListener;
import io.orbit.runtime.http.EngineHttpClient;
import io.orbit.runtime.http.EngineStream;
import io.orbit.runtime.http.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;

/**
 * {@code POST /libpod/images/pull}: libpod answers 200 at once and streams {@code {"stream":…}} progress lines, then
 * either {@code {"error":…}} or {@code {"images":[…],"id":…}}. A failure therefore arrives inside a successful answer.
 */
public final class ImagePull {

    private final LibpodClient libpod;
    private final Duration pullTimeout;

    /** @param pullTimeout how long the pull may go without a word from the engine before it is abandoned */
    public ImagePull(LibpodClient libpod, Duration pullTimeout) {
        this.libpod = requireNonNull(libpod, "libpod is null");
        this.pullTimeout = requireNonNull(pullTimeout, "pullTimeout is null");
    }

    /** Pulls and returns the pulled image's id. */
    public String pull(String reference, PullProgressListener progress) {
        String path = "/images/pull?reference=" + LibpodClient.query(reference);
        try (EngineStream stream =
                libpod.stream(PodmanOperation.PULL_IMAGE, Subject.of(reference), "POST", path, pullTimeout)) {
            return follow(reference, Json.objects(stream.body()), progress);
        } catch (IOException e) {
            if (EngineHttpClient.isIdleTimeout(e)) {
                throw ImagePullException.stalled(reference, pullTimeout);
            }
            throw libpod.brokenStream("pulling " + reference, e);
        } catch (RuntimeException e) {
            // No answer at all within the deadline (the head), or a read of the progress that timed out.
            if (EngineHttpClient.isIdleTimeout(e)) {
                throw ImagePullException.stalled(reference, pullTimeout);
            }
            // Jackson's iterator wraps a read failure in a bare RuntimeException.
            if (e.getCause() instanceof IOException readFailure) {
                throw libpod.brokenStream("pulling " + reference, readFailure);
            }
            throw e;
        }
    }

    static String follow(String reference, Iterator<JsonNode> lines, PullProgressListener progress) {
        String imageId = "";
        while (lines.hasNext()) {
            JsonNode line = lines.next();
            if (line.hasNonNull("error")) {
                JsonNode error = line.get("error");
                throw new ImagePullException(reference, error.isTextual() ? error.asText() : error.toString());
            }
            if (line.hasNonNull("stream")) {
                progress.onProgress(line.get("stream").asText().strip());
            }
            if (line.hasNonNull("id")) {
                imageId = line.get("id").asText();
            }
        }
        if (imageId.isEmpty()) {
            throw new ImagePullException(reference, "podman ended the pull without naming an image");
        }
        return LibpodJson.withoutDigestPrefix(imageId);
    }
}
