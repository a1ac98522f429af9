package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/** A named volume as inspected; {@code mountpoint} is its directory on the host. */
public record VolumeDetails(String name, String driver, String mountpoint, Map<String, String> labels) {

    public VolumeDetails {
        requireNonNull(name, "name is null");
        requireNonNull(driver, "driver is null");
        requireNonNull(mountpoint, "mountpoint is null");
        labels = Map.copyOf(labels);
    }
}
