package io.orbit.interop.compose;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compose's sizes and durations, in the spelling Orbit's files accept. */
final class ComposeUnits {

    private static final Pattern SIZE = Pattern.compile("(?i)^(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)i?b?$");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private ComposeUnits() {}

    /**
     * A Compose memory size ({@code 512m}, {@code 1gb}, {@code 1.5G}, {@code 268435456}: binary units, as Docker reads
     * them) as an Orbit memory string ({@code 512M}), or empty when it is not a size. Bytes that are not a whole number
     * of KiB are rounded up to the next KiB.
     */
    static Optional<String> memory(String value) {
        Matcher m = SIZE.matcher(value.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String unit = m.group(2).toUpperCase(Locale.ROOT);
        BigDecimal amount = new BigDecimal(m.group(1));
        if (unit.equals("T")) {
            amount = amount.multiply(BigDecimal.valueOf(1024));
            unit = "G";
        }
        if (unit.isEmpty()) {
            long bytes = amount.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
            for (String[] u : new String[][] {{"G", "1073741824"}, {"M", "1048576"}, {"K", "1024"}}) {
                long size = Long.parseLong(u[1]);
                if (bytes >= size && bytes % size == 0) {
                    return Optional.of(bytes / size + u[0]);
                }
            }
            return Optional.of(Math.max(1, (bytes + 1023) / 1024) + "K");
        }
        return Optional.of(amount.stripTrailingZeros().toPlainString() + unit);
    }

    /**
     * A Compose (Go) duration ({@code 1m30s}, {@code 500ms}, {@code 1.5s}) in milliseconds, or empty when it is not
     * one. Below a millisecond rounds up to 1 ms, except 0.
     */
    static Optional<Long> millis(String value) {
        String text = value.strip();
        if (text.equals("0")) {
            return Optional.of(0L);
        }
        Matcher m = DURATION_PART.matcher(text);
        int at = 0;
        double nanos = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            double amount = Double.parseDouble(m.group(1));
            nanos += amount
                    * switch (m.group(2)) {
                        case "ns" -> 1;
                        case "us", "µs" -> 1e3;
                        case "ms" -> 1e6;
                        case "s" -> 1e9;
                        case "m" -> 60e9;
                        default -> 3600e9;
                    };
            at = m.end();
        }
        if (at == 0 || at != text.length()) {
            return Optional.empty();
        }
        return Optional.of(nanos == 0 ? 0L : Math.max(1L, (long) Math.ceil(nanos / 1e6)));
    }

    /** Milliseconds in humantime as Orbit's files write durations: {@code 90s}, {@code 500ms}, {@code 1500ms}. */
    static String humantime(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
