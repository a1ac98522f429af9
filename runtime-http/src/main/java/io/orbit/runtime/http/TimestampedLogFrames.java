package io.orbit.runtime.http;

import io.orbit.runtime.LogLine;
import io.orbit.runtime.LogListener;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads a container log answer of both engines ({@code GET /containers/{id}/logs?timestamps=1}, Docker and libpod
 * alike): frames with the 8-byte header of {@link MultiplexedOutput}, each carrying one line prefixed with its
 * RFC 3339 time and a space ({@code 2026-11-26T02:13:40.544245947Z err}; Podman 4 writes whole seconds).
 *
 * <p>A frame with several lines (not seen, but allowed by the format) gives several lines; a line without its own
 * time takes the previous one. A long line the engine split over frames (Docker splits at 16 KiB) stays split.
 */
public final class TimestampedLogFrames {

    private static final int MAX_FRAME_BYTES = 1 << 20;

    private Instant lastTime;

    /** @param clock gives the time of lines that come before any line with a time of its own */
    public TimestampedLogFrames(InstantSource clock) {
        this.lastTime = clock.instant();
    }

    /** Reads frames until the stream ends, handing every line to the listener; the caller closes the stream. */
    public void read(InputStream in, LogListener listener) throws IOException {
        byte[] header = new byte[8];
        while (true) {
            int read = in.readNBytes(header, 0, header.length);
            if (read == 0) {
                return;
            }
            if (read < header.length) {
                throw new EOFException("log stream ended inside a frame header");
            }
            int length = ((header[4] & 0xff) << 24)
                    | ((header[5] & 0xff) << 16)
                    | ((header[6] & 0xff) << 8)
                    | (header[7] & 0xff);
            if (length < 0 || length > MAX_FRAME_BYTES) {
                throw new IOException("log frame of " + Integer.toUnsignedString(length) + " bytes: not a log stream");
            }
            byte[] payload = in.readNBytes(length);
            if (payload.length < length) {
                throw new EOFException("log stream ended inside a frame");
            }
            LogLine.Stream stream = header[0] == 2 ? LogLine.Stream.STDERR : LogLine.Stream.STDOUT;
            deliver(stream, new String(payload, StandardCharsets.UTF_8), listener);
        }
    }

    private void deliver(LogLine.Stream stream, String payload, LogListener listener) {
        if (payload.isEmpty()) {
            return;
        }
        String text = payload.endsWith("\n") ? payload.substring(0, payload.length() - 1) : payload;
        for (String line : text.split("\n", -1)) {
            listener.onLine(timed(stream, line.endsWith("\r") ? line.substring(0, line.length() - 1) : line));
        }
    }

    private LogLine timed(LogLine.Stream stream, String line) {
        int space = line.indexOf(' ');
        String first = space < 0 ? line : line.substring(0, space);
        if (first.length() >= 20 && Character.isDigit(first.charAt(0)) && first.charAt(10) == 'T') {
            try {
                lastTime = OffsetDateTime.parse(first).toInstant();
                return new LogLine(stream, lastTime, space < 0 ? "" : line.substring(space + 1));
            } catch (DateTimeParseException notATime) {
                // a line that happens to start like a date: keep it whole
            }
        }
        return new LogLine(stream, lastTime, line);
    }
}
