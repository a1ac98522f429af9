package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A local image.
 *
 * @param id the image id without the {@code sha256:} prefix; it changes whenever the tag points at new content
 * @param repoDigests registry digests; empty for an image built or imported locally on Docker
 */
public record ImageDetails(String id, List<String> repoTags, List<String> repoDigests) {

    public ImageDetails {
        requireNonNull(id, "id is null");
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
    }
}
