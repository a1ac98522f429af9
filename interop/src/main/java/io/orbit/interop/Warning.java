package io.orbit.interop;

import static java.util.Objects.requireNonNull;

/**
 * A field a translation could not carry over (or carried over only in part): where it is and why. Printed as {@code
 * warning: compose.yaml: services.web.depends_on: ...}, the shape of the validator's problems.
 *
 * @param file the file the field is in, as the user named it
 * @param field the field path ({@code services.web.ports[0]}), empty for the file as a whole
 * @param message what happened to the field, why, and what to do about it
 */
public record Warning(String file, String field, String message) {

    public Warning {
        requireNonNull(file, "file is null");
        requireNonNull(field, "field is null");
        requireNonNull(message, "message is null");
    }

    @Override
    public String toString() {
        return "warning: " + file + (field.isEmpty() ? "" : ": " + field) + ": " + message;
    }
}
