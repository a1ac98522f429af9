package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** An image could not be pulled: registry unreachable, unknown image or tag, or access denied. */
public final class ImagePullException extends ContainerRuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reference;

    public ImagePullException(String reference, String reason) {
        super(
                "cannot pull image '%s': %s; check the name and tag, the registry's reachability and credentials, or build the image locally and set pull_policy: Never"
                        .formatted(reference, reason.strip()),
                null);
        this.reference = requireNonNull(reference, "reference is null");
    }

    /**
     * A pull that heard nothing from the engine for {@code timeout} (the registry accepts and never answers, or the
     * transfer stalled): it was abandoned and its worker is free again.
     */
    public static ImagePullException stalled(String reference, Duration timeout) {
        return new ImagePullException(
                reference,
                "no progress for %s from the registry %s, so the pull was abandoned (pull_timeout; raise it in orbit.yaml or with --pull-timeout if the registry is merely slow)"
                        .formatted(human(timeout), registry(reference)));
    }

    /** The registry an image reference names: its first part if that looks like a host, else Docker Hub. */
    public static String registry(String reference) {
        int slash = reference.indexOf('/');
        if (slash > 0) {
            String first = reference.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                return first;
            }
        }
        return "docker.io";
    }

    private static String human(Duration timeout) {
        long millis = timeout.toMillis();
        if (millis % 60_000 == 0) {
            return millis / 60_000 + " min";
        }
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    public String reference() {
        return reference;
    }
}
