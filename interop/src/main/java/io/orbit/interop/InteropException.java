package io.orbit.interop;

/** Input that cannot be translated at all (a broken file, a required field missing): the message names it and the fix. */
public final class InteropException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InteropException(String message) {
        super(message);
    }

    public InteropException(String message, Throwable cause) {
        super(message, cause);
    }
}
