package io.orbit.engine.health;

import java.time.Duration;

/** Durations as people write them in service files: {@code 250ms}, {@code 2.1s}, {@code 5m}, {@code 1m30s}. */
public final class Durations {

    private Durations() {}

    public static String human(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return millis % 1000 == 0
                    ? (millis / 1000) + "s"
                    : String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        return seconds % 60 == 0 ? (seconds / 60) + "m" : (seconds / 60) + "m" + (seconds % 60) + "s";
    }
}
