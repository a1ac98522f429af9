package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A named volume.
 *
 * @param driver the volume driver, {@code local} by default
 * @param driverOptions driver options (for {@code local}: {@code type}, {@code device}, {@code o})
 */
public record VolumeSpec(String name, String driver, Map<String, String> driverOptions, Map<String, String> labels) {

    public VolumeSpec {
        requireNonNull(name, "name is null");
        requireNonNull(driver, "driver is null");
        driverOptions = Map.copyOf(driverOptions);
        labels = Map.copyOf(labels);
    }

    public static VolumeSpec local(String name, Map<String, String> labels) {
        return new VolumeSpec(name, "local", Map.of(), labels);
    }
}
