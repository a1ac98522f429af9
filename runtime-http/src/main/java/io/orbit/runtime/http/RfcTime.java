package io.orbit.runtime.http;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * The two RFC 3339 shapes the engines put before every log line, read straight from its bytes: {@code
 * 2026-11-26T02:13:40.544245947Z} (Docker, nanoseconds) and {@code 2026-11-26T03:13:17+01:00} (Podman 4, whole seconds,
 * an offset). {@code OffsetDateTime.parse} builds a formatter's parse state for each line, which costs more than the
 * line itself when a large log is read.
 *
 * <p>Deliberately narrow: anything outside {@code YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|±HH:MM)} with valid fields is null,
 * and the caller then asks {@code OffsetDateTime.parse}, so what counts as a time is still the JDK's decision.
 */
final class RfcTime {

    private RfcTime() {}

    /** What {@link #offsetSeconds} answers for anything but {@code Z} or {@code ±HH:MM} up to ±18:00. */
    private static final int NO_OFFSET = Integer.MIN_VALUE;

    /** Nanoseconds per unit of a fraction with 1 to 9 digits. */
    private static final int[] SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1000, 100, 10, 1};

    /** The instant written in {@code bytes[from, to)}, or null when it is not in one of the two shapes. */
    static @Nullable Instant read(byte[] bytes, int from, int to) {
        if (to - from < 20
                || bytes[from + 4] != '-'
                || bytes[from + 7] != '-'
                || bytes[from + 10] != 'T'
                || bytes[from + 13] != ':'
                || bytes[from + 16] != ':') {
            return null;
        }
        int year = digits(bytes, from, 4);
        int month = digits(bytes, from + 5, 2);
        int day = digits(bytes, from + 8, 2);
        int hour = digits(bytes, from + 11, 2);
        int minute = digits(bytes, from + 14, 2);
        int second = digits(bytes, from + 17, 2);
        if (year < 0
                || month < 0
                || day < 0
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return null;
        }
        int zone = from + 19;
        int nanos = 0;
        if (bytes[zone] == '.') {
            int fraction = zone + 1;
            zone = digitsEnd(bytes, fraction, to);
            if (zone == fraction || zone - fraction > 9) {
                return null;
            }
            nanos = digits(bytes, fraction, zone - fraction) * SCALE[zone - fraction];
        }
        int offsetSeconds = offsetSeconds(bytes, zone, to);
        if (offsetSeconds == NO_OFFSET) {
            return null;
        }
        try {
            long epochSecond = LocalDate.of(year, month, day).toEpochDay() * 86_400
                    + hour * 3600L
                    + minute * 60L
                    + second
                    - offsetSeconds;
            return Instant.ofEpochSecond(epochSecond, nanos);
        } catch (DateTimeException invalidDate) {
            return null; // February 30th and the like: the JDK's parser has the last word
        }
    }

    /** The offset written in {@code bytes[at, to)}, {@code Z} or {@code ±HH:MM}, in seconds; else {@link #NO_OFFSET}. */
    private static int offsetSeconds(byte[] bytes, int at, int to) {
        if (at + 1 == to && bytes[at] == 'Z') {
            return 0;
        }
        if (at + 6 != to || (bytes[at] != '+' && bytes[at] != '-') || bytes[at + 3] != ':') {
            return NO_OFFSET;
        }
        int hours = digits(bytes, at + 1, 2);
        int minutes = digits(bytes, at + 4, 2);
        if (hours < 0 || minutes < 0 || minutes > 59 || hours * 60 + minutes > 18 * 60) {
            return NO_OFFSET;
        }
        return (bytes[at] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
    }

    /** Where the ASCII digits from {@code at} end (at most {@code to}). */
    private static int digitsEnd(byte[] bytes, int at, int to) {
        int end = at;
        while (end < to && bytes[end] >= '0' && bytes[end] <= '9') {
            end++;
        }
        return end;
    }

    /** The value of {@code count} ASCII digits at {@code at}, or -1 when one is not a digit. */
    private static int digits(byte[] bytes, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            if (bytes[i] < '0' || bytes[i] > '9') {
                return -1;
            }
            value = value * 10 + (bytes[i] - '0');
        }
        return value;
    }
}
