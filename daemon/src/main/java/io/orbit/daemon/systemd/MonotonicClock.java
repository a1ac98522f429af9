package io.orbit.daemon.systemd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The {@code MONOTONIC_USEC=} value sent with {@code RELOADING=1}.
 *
 * <p>sd_notify(3) defines the field as {@code CLOCK_MONOTONIC} in microseconds. systemd (253 and later, {@code
 * Type=notify-reload}) uses it for one comparison only: it accepts a {@code RELOADING=1} as the answer to the reload
 * signal it sent when {@code MONOTONIC_USEC >=} its own {@code CLOCK_MONOTONIC} time of sending (src/core/service.c,
 * {@code reload_begin_usec}); a missing or smaller value makes it ignore the message, and the reload job then waits
 * for its timeout. A value that is slightly too large does no harm.
 *
 * <p>Java 21 has no documented way to read {@code CLOCK_MONOTONIC}: {@link System#nanoTime()} has an unspecified
 * origin (HotSpot on Linux happens to return {@code clock_gettime(CLOCK_MONOTONIC)}, but that is an implementation
 * detail), and calling {@code clock_gettime} through the foreign function API is final only in Java 22 (a preview in
 * 21, this build's release). So the value comes from {@code /proc/uptime}: its first field is {@code CLOCK_BOOTTIME}
 * (proc(5): uptime including time spent in suspend; kernel fs/proc/uptime.c) in 10 ms steps. {@code CLOCK_BOOTTIME}
 * is {@code CLOCK_MONOTONIC} plus the time the host was suspended, so, rounded up to the next 10 ms step, it is never
 * below {@code CLOCK_MONOTONIC} at the time of reading — what systemd's check needs — and on a server that was never
 * suspended it equals {@code CLOCK_MONOTONIC} to within 10 ms. Only when {@code /proc/uptime} cannot be read does it
 * fall back to {@code nanoTime}.
 */
final class MonotonicClock {

    private static final Path UPTIME = Path.of("/proc/uptime");

    private MonotonicClock() {}

    /** Microseconds not below {@code CLOCK_MONOTONIC} now (see the class comment). */
    static long micros() {
        try {
            OptionalLong uptime = parseUptime(Files.readString(UPTIME, StandardCharsets.US_ASCII));
            if (uptime.isPresent()) {
                return uptime.getAsLong();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc is not mounted: fall through
        }
        return System.nanoTime() / 1000;
    }

    /**
     * The first field of {@code /proc/uptime} ("{@code 12345.67 890.12}") in microseconds, rounded up to the end of
     * its 10 ms step: the kernel truncates, so the true value lies in {@code [12345.67 s, 12345.68 s)}.
     */
    static OptionalLong parseUptime(String content) {
        String[] fields = content.strip().split("\\s+");
        if (fields.length == 0 || !fields[0].matches("\\d+\\.\\d{2}")) {
            return OptionalLong.empty();
        }
        long hundredths = Long.parseLong(fields[0].replace(".", ""));
        return OptionalLong.of((hundredths + 1) * 10_000);
    }
}
