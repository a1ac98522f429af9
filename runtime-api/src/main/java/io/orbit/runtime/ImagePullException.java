package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

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

    public String reference() {
        return reference;
    }
}
