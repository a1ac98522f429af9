package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One line a container's processes wrote to stdout or stderr.
 *
 * @param time when the engine received the line: nanoseconds on Docker, whole seconds on Podman 4
 * @param text the line without its line break (a last line that had none is delivered as it is)
 */
public record LogLine(Stream stream, Instant time, String text) {

    public LogLine {
        requireNonNull(stream, "stream is null");
        requireNonNull(time, "time is null");
        requireNonNull(text, "text is null");
    }

    /** Which output of the container the line came from. */
    public enum Stream {
        STDOUT,
        STDERR
    }
}
