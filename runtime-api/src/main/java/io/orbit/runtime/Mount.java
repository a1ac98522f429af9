package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** A filesystem mounted into a container. */
public sealed interface Mount {

    /** The absolute path inside the container. */
    String target();

    boolean readOnly();

    /** A host directory or file bound into the container. */
    record Bind(Path source, String target, boolean readOnly) implements Mount {
        public Bind {
            requireNonNull(source, "source is null");
            requireNonNull(target, "target is null");
            if (!source.isAbsolute()) {
                throw new IllegalArgumentException("bind source must be absolute: " + source);
            }
            if (!target.startsWith("/")) {
                throw new IllegalArgumentException("mount target must be absolute: " + target);
            }
        }
    }

    /** A named engine volume. */
    record Volume(String volume, String target, boolean readOnly) implements Mount {
        public Volume {
            requireNonNull(volume, "volume is null");
            requireNonNull(target, "target is null");
            if (!target.startsWith("/")) {
                throw new IllegalArgumentException("mount target must be absolute: " + target);
            }
        }
    }
}
