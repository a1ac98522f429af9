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
import org.jspecify.annotations.Nullable;

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
    /** The reused payload grows to this; a larger frame (a rare long line) gets an array of its own. */
    private static final int MAX_KEPT_BYTES = 64 * 1024;
    /** RFC 3339 with seconds and a zone, the shortest a time can be: {@code 2026-11-26T02:13:16Z}. */
    private static final int SHORTEST_TIME = 20;

    private Instant lastTime;
    /**
     * One frame's payload, reused: a large log is read line by line, and each line's bytes are decoded once, straight
     * into the line's text (a reader of a 1 GiB log otherwise allocates several copies of every line).
     */
    private byte[] payload = new byte[8192];

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
            if (payload.length < length && length <= MAX_KEPT_BYTES) {
                payload = new byte[Math.min(MAX_KEPT_BYTES, Math.max(length, 2 * payload.length))];
            }
            byte[] bytes = length <= payload.length ? payload : new byte[length];
            if (in.readNBytes(bytes, 0, length) < length) {
                throw new EOFException("log stream ended inside a frame");
            }
            LogLine.Stream stream = header[0] == 2 ? LogLine.Stream.STDERR : LogLine.Stream.STDOUT;
            deliver(stream, bytes, length, listener);
        }
    }

    /**
     * Each line of the payload (split at {@code \n}, a last line break dropped, a {@code \r} before a break dropped).
     * Scanning the UTF-8 bytes for these ASCII bytes is safe: no byte of a multi-byte character is below 0x80.
     */
    private void deliver(LogLine.Stream stream, byte[] bytes, int length, LogListener listener) {
        if (length == 0) {
            return;
        }
        int end = bytes[length - 1] == '\n' ? length - 1 : length;
        int start = 0;
        while (true) {
            int newline = indexOf(bytes, (byte) '\n', start, end);
            int lineEnd = newline < 0 ? end : newline;
            int textEnd = lineEnd > start && bytes[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            listener.onLine(timed(stream, bytes, start, textEnd));
            if (newline < 0) {
                return;
            }
            start = newline + 1;
        }
    }

    private LogLine timed(LogLine.Stream stream, byte[] bytes, int from, int to) {
        int space = indexOf(bytes, (byte) ' ', from, to);
        int firstEnd = space < 0 ? to : space;
        if (firstEnd - from >= SHORTEST_TIME && isDigit(bytes[from]) && bytes[from + 10] == 'T') {
            Instant time = time(bytes, from, firstEnd);
            if (time != null) {
                lastTime = time;
                return new LogLine(stream, time, space < 0 ? "" : text(bytes, space + 1, to));
            }
        }
        return new LogLine(stream, lastTime, text(bytes, from, to));
    }

    /**
     * The time at the start of a line, or null when it is not one. The engines' two shapes ({@code
     * 2026-11-26T02:13:40.544245947Z}, {@code 2026-11-26T03:13:17+01:00}) are read from the bytes; anything else goes
     * to {@link OffsetDateTime#parse}, which decides, so both paths accept exactly the same times.
     */
    static @Nullable Instant time(byte[] bytes, int from, int to) {
        Instant quick = RfcTime.read(bytes, from, to);
        if (quick != null) {
            return quick;
        }
        try {
            return OffsetDateTime.parse(text(bytes, from, to)).toInstant();
        } catch (DateTimeParseException notATime) {
            return null; // a line that happens to start like a date: kept whole
        }
    }

    private static String text(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
