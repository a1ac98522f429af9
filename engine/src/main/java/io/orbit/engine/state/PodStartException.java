package io.orbit.engine.state;

import org.jspecify.annotations.Nullable;

/** A pod could not be started; everything it had created was removed again. The message says what to fix. */
public final class PodStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PodStartException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
