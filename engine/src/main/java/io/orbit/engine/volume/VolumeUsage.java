package io.orbit.engine.volume;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalLong;

/**
 * One volume of a service as it is used now.
 *
 * @param name the key under {@code volumes:}
 * @param source the host directory (inline files, host path) or the engine volume's name
 * @param mountPaths where the service's containers mount it
 * @param containers running containers that mount it
 * @param usageBytes bytes of the regular files in it; empty when unknown (unreadable, or more than {@link
 *     PodVolumes#USAGE_FILE_LIMIT} files)
 * @param fileCount regular files in it; empty when unknown
 */
public record VolumeUsage(
        String name,
        Kind kind,
        String source,
        List<String> mountPaths,
        int containers,
        OptionalLong usageBytes,
        OptionalLong fileCount) {

    public VolumeUsage {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(source, "source is null");
        mountPaths = List.copyOf(mountPaths);
        requireNonNull(usageBytes, "usageBytes is null");
        requireNonNull(fileCount, "fileCount is null");
    }

    /** Which source a volume mounts, in Orbit's order of precedence: host path, then files, then named volume. */
    public enum Kind {
        HOST_PATH("host_path"),
        FILES("files"),
        NAMED_VOLUME("named_volume");

        private final String fieldName;

        Kind(String fieldName) {
            this.fieldName = fieldName;
        }

        /** The YAML field that defines it. */
        public String fieldName() {
            return fieldName;
        }
    }
}
