package io.orbit.runtime.podman.internal;

import static io.orbit.runtime.podman.internal.LibpodJson.stringMap;
import static io.orbit.runtime.podman.internal.LibpodJson.strings;
import static io.orbit.runtime.podman.internal.LibpodJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ImageDetails;
import io.orbit.runtime.NetworkDetails;
import io.orbit.runtime.VolumeDetails;

/** Maps libpod's network, volume and image JSON to the port's records. */
public final class ResourceRecords {

    private ResourceRecords() {}

    /** libpod's network object (lower-case fields, unlike the rest of its API). */
    public static NetworkDetails network(JsonNode network) {
        return new NetworkDetails(
                text(network, "id"),
                text(network, "name"),
                network.path("dns_enabled").asBoolean(),
                stringMap(network.path("labels")));
    }

    public static VolumeDetails volume(JsonNode volume) {
        return new VolumeDetails(
                text(volume, "Name"),
                text(volume, "Driver"),
                text(volume, "Mountpoint"),
                stringMap(volume.path("Labels")));
    }

    public static ImageDetails image(JsonNode image) {
        return new ImageDetails(
                LibpodJson.withoutDigestPrefix(text(image, "Id")),
                strings(image.path("RepoTags")),
                strings(image.path("RepoDigests")));
    }
}
