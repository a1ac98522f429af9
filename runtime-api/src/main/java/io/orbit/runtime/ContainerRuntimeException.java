package io.orbit.runtime;

import org.jspecify.annotations.Nullable;

/**
 * Base of every failure of a {@link ContainerRuntime}. Sealed, so callers can switch over what went wrong; each
 * adapter maps engine status codes to these types in exactly one place.
 */
public abstract sealed class ContainerRuntimeException extends RuntimeException
        permits ResourceException,
                RuntimeUnavailableException,
                RuntimeApiException,
                ImagePullException,
                CapabilityUnavailableException {

    private static final long serialVersionUID = 1L;

    protected ContainerRuntimeException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
