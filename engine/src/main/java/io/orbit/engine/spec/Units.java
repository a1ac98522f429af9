package io.orbit.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orbit's units (ORBIT-REFERENCE §2.5), parsed in one place. Every method either returns the value in base units or
 * throws {@link InvalidUnitException} whose message names the bad value and what to write instead.
 *
 * <ul>
 *   <li>memory: a YAML number is GiB ({@code 0.5} = 512 MiB, {@code 512} = 512 GiB); a string matches {@code
 *       ^(\d+\.?\d*)([KMG]i?)$} and K/M/G are binary like Ki/Mi/Gi;
 *   <li>CPU: a number or a numeric string of CPUs, as nano-CPUs;
 *   <li>durations: humantime ({@code 100ms}, {@code 30s}, {@code 1h 30m}); a bare number is rejected;
 *   <li>network rates: {@code ^(\d+(\.\d+)?)(Kbps|Mbps|Gbps)$}, decimal, as bits per second.
 * </ul>
 *
 * <p>Longer than 300 lines: every unit grammar of the service format (memory, CPU, durations, rates) in the one place that parses them.
 */
public final class Units {

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long GIB = 1024 * MIB;
    private static final Pattern MEMORY = Pattern.compile("^(\\d+\\.?\\d*)([KMG]i?)$");
    private static final String MEMORY_FIX = "use 512M, 512Mi or a number of GiB such as 0.5";

    private static final long NANOS_PER_CPU = 1_000_000_000L;
    /** Runtimes take a CPU quota of at least 1 ms per 100 ms period. */
    private static final long MIN_NANO_CPUS = NANOS_PER_CPU / 100;

    private static final Pattern DECIMAL = Pattern.compile("^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$");
    private static final String CPU_FIX = "use a number of CPUs such as 0.5 or \"2\"";

    private static final Pattern RATE = Pattern.compile("^(\\d+(\\.\\d+)?)(Kbps|Mbps|Gbps)$");
    private static final String RATE_FIX = "use e.g. 500Kbps, 10Mbps or 1.5Gbps";

    private static final String BURST_FIX = "use bytes such as 32K or 1Mi, or bits such as 1Mbps (= 1 000 000 bits)";

    private static final String DURATION_FIX = "use e.g. 100ms, 30s, 5m or 1h 30m";
    /** humantime's units and their length in nanoseconds (a month is 30.44 days, a year 365.25 days, as humantime). */
    private static final Map<String, BigDecimal> DURATION_UNITS = durationUnits();

    private Units() {}

    /**
     * Memory in bytes, from {@code memory_limit}.
     *
     * @throws InvalidUnitException for a bad format, another YAML type, a value ≤ 0 or beyond a long
     */
    public static long memoryBytes(JsonNode value) {
        if (value.isNumber()) {
            return positiveBytes(value.decimalValue().multiply(BigDecimal.valueOf(GIB)), value.asText());
        }
        if (!value.isTextual()) {
            throw new InvalidUnitException(
                    "Unsupported memory limit type: " + describe(value) + " (" + MEMORY_FIX + ")");
        }
        String text = value.asText();
        Matcher matcher = MEMORY.matcher(text);
        if (!matcher.matches()) {
            throw new InvalidUnitException("Invalid memory limit format: " + text + " (" + MEMORY_FIX + ")");
        }
        long multiplier = switch (matcher.group(2).charAt(0)) {
            case 'K' -> KIB;
            case 'M' -> MIB;
            default -> GIB;
        };
        return positiveBytes(new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(multiplier)), text);
    }

    private static long positiveBytes(BigDecimal bytes, String written) {
        BigDecimal whole = bytes.setScale(0, RoundingMode.DOWN);
        if (whole.signum() <= 0) {
            throw new InvalidUnitException(
                    "Memory limit must be at least 1 byte: " + written + " (omit memory_limit for no limit)");
        }
        if (whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new InvalidUnitException("Memory limit out of valid range: " + written + " (" + MEMORY_FIX + ")");
        }
        return whole.longValueExact();
    }

    /**
     * CPU in nano-CPUs (1 CPU = 10⁹), from {@code cpu_limit}. Unlike Orbit, a string is range-checked too (Orbit turned
     * {@code "-1"} into "unlimited").
     *
     * @throws InvalidUnitException for another YAML type, a non-numeric string ({@code 500m}), or less than 0.01 CPU
     */
    public static long nanoCpus(JsonNode value) {
        BigDecimal cpus;
        if (value.isNumber()) {
            cpus = value.decimalValue();
        } else if (value.isTextual()) {
            String text = value.asText();
            if (!DECIMAL.matcher(text).matches()) {
                String millicores = text.endsWith("m") ? "; millicores like 500m are not supported" : "";
                throw new InvalidUnitException("Invalid CPU limit: " + text + " (" + CPU_FIX + millicores + ")");
            }
            cpus = new BigDecimal(text);
        } else {
            throw new InvalidUnitException("Unsupported CPU limit type: " + describe(value) + " (" + CPU_FIX + ")");
        }
        BigDecimal nanos = cpus.multiply(BigDecimal.valueOf(NANOS_PER_CPU)).setScale(0, RoundingMode.HALF_UP);
        if (nanos.compareTo(BigDecimal.valueOf(MIN_NANO_CPUS)) < 0
                || nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new InvalidUnitException("CPU limit out of valid range: " + value.asText()
                    + " (use a number of CPUs from 0.01 upwards, such as 0.5 or 2)");
        }
        return nanos.longValueExact();
    }

    /**
     * A humantime duration: one or more {@code <integer><unit>} parts, optionally separated by spaces ({@code 1h 30m},
     * {@code 1h30m}). Units: ns/nsec/nanos, us/usec, ms/msec/millis, s/sec/secs/second/seconds,
     * m/min/mins/minute/minutes, h/hr/hrs/hour/hours, d/day/days, w/week/weeks, M/month/months (30.44 d),
     * y/year/years (365.25 d).
     *
     * @throws InvalidUnitException for an empty value, a bare number, an unknown unit or any other character
     */
    public static Duration duration(String value) {
        return new DurationScanner(value).scan();
    }

    /**
     * A network rate in bits per second ({@code 10Mbps} = 10 000 000).
     *
     * @throws InvalidUnitException for another format or a zero rate
     */
    public static long bitsPerSecond(String value) {
        Matcher matcher = RATE.matcher(value);
        if (!matcher.matches()) {
            throw new InvalidUnitException("Invalid network rate format: " + value + " (" + RATE_FIX + ")");
        }
        long multiplier = switch (matcher.group(3)) {
            case "Kbps" -> 1_000L;
            case "Mbps" -> 1_000_000L;
            default -> 1_000_000_000L;
        };
        BigDecimal bits = new BigDecimal(matcher.group(1))
                .multiply(BigDecimal.valueOf(multiplier))
                .setScale(0, RoundingMode.DOWN);
        if (bits.signum() <= 0) {
            throw new InvalidUnitException(
                    "Network rate must be at least 1 bit per second: " + value + " (" + RATE_FIX + ")");
        }
        if (bits.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new InvalidUnitException("Network rate out of valid range: " + value + " (" + RATE_FIX + ")");
        }
        return bits.longValueExact();
    }

    /**
     * A burst of {@code network_limit} in bytes. Two spellings: a size in bytes as in {@code memory_limit} ({@code 32K},
     * {@code 1Mi}; K/M/G are binary), or an amount of bits in the network rate units, which is how Orbit's examples
     * write bursts ({@code 1Mbps} = 1 000 000 bits = 125 000 bytes).
     *
     * @throws InvalidUnitException for another format, or less than one byte
     */
    public static long burstBytes(String value) {
        if (RATE.matcher(value).matches()) {
            long bytes = bitsPerSecond(value) / 8;
            if (bytes <= 0) {
                throw new InvalidUnitException(
                        "Network burst must be at least 1 byte: " + value + " (" + BURST_FIX + ")");
            }
            return bytes;
        }
        Matcher matcher = MEMORY.matcher(value);
        if (!matcher.matches()) {
            throw new InvalidUnitException("Invalid network burst format: " + value + " (" + BURST_FIX + ")");
        }
        try {
            return memoryBytes(com.fasterxml.jackson.databind.node.TextNode.valueOf(value));
        } catch (InvalidUnitException e) {
            throw new InvalidUnitException("Invalid network burst: " + value + " (" + BURST_FIX + ")");
        }
    }

    private static String describe(JsonNode value) {
        if (value.isContainerNode()) {
            return value.isArray() ? "a list" : "a mapping";
        }
        return value.asText();
    }

    private static Map<String, BigDecimal> durationUnits() {
        BigDecimal nano = BigDecimal.ONE;
        BigDecimal micro = BigDecimal.valueOf(1_000L);
        BigDecimal milli = BigDecimal.valueOf(1_000_000L);
        BigDecimal second = BigDecimal.valueOf(1_000_000_000L);
        BigDecimal minute = second.multiply(BigDecimal.valueOf(60));
        BigDecimal hour = minute.multiply(BigDecimal.valueOf(60));
        BigDecimal day = hour.multiply(BigDecimal.valueOf(24));
        BigDecimal week = day.multiply(BigDecimal.valueOf(7));
        BigDecimal month = second.multiply(BigDecimal.valueOf(2_630_016L));
        BigDecimal year = second.multiply(BigDecimal.valueOf(31_557_600L));
        return Map.ofEntries(
                Map.entry("nanos", nano),
                Map.entry("nsec", nano),
                Map.entry("ns", nano),
                Map.entry("usec", micro),
                Map.entry("us", micro),
                Map.entry("millis", milli),
                Map.entry("msec", milli),
                Map.entry("ms", milli),
                Map.entry("seconds", second),
                Map.entry("second", second),
                Map.entry("secs", second),
                Map.entry("sec", second),
                Map.entry("s", second),
                Map.entry("minutes", minute),
                Map.entry("minute", minute),
                Map.entry("mins", minute),
                Map.entry("min", minute),
                Map.entry("m", minute),
                Map.entry("hours", hour),
                Map.entry("hour", hour),
                Map.entry("hrs", hour),
                Map.entry("hr", hour),
                Map.entry("h", hour),
                Map.entry("days", day),
                Map.entry("day", day),
                Map.entry("d", day),
                Map.entry("weeks", week),
                Map.entry("week", week),
                Map.entry("w", week),
                Map.entry("months", month),
                Map.entry("month", month),
                Map.entry("M", month),
                Map.entry("years", year),
                Map.entry("year", year),
                Map.entry("y", year));
    }

    /**
     * humantime's grammar: digits (spaces inside a number are skipped, as humantime does), then letters, then either a
     * digit (next part), or spaces and a digit, or the end.
     */
    private static final class DurationScanner {
        private static final BigDecimal MAX_NANOS =
                BigDecimal.valueOf(Long.MAX_VALUE).multiply(BigDecimal.valueOf(NANOS_PER_CPU));

        private final String text;
        private int position;
        private BigDecimal totalNanos = BigDecimal.ZERO;

        DurationScanner(String text) {
            this.text = text;
        }

        Duration scan() {
            skipSpaces();
            if (position == text.length()) {
                throw invalid("value was empty; " + DURATION_FIX);
            }
            while (position < text.length()) {
                if (!isDigit(text.charAt(position))) {
                    throw invalid("expected a number at position " + position + "; " + DURATION_FIX);
                }
                BigDecimal number = number();
                String unit = unit();
                BigDecimal unitNanos = DURATION_UNITS.get(unit);
                if (unitNanos == null) {
                    throw invalid("unknown time unit '" + unit
                            + "'; supported units are ns, us, ms, s, m, h, d, w, M (months) and y; " + DURATION_FIX);
                }
                totalNanos = totalNanos.add(number.multiply(unitNanos));
                if (totalNanos.compareTo(MAX_NANOS) > 0) {
                    throw invalid("number is too large");
                }
                skipSpaces();
            }
            BigDecimal[] secondsAndNanos = totalNanos.divideAndRemainder(BigDecimal.valueOf(NANOS_PER_CPU));
            return Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValueExact());
        }

        private BigDecimal number() {
            StringBuilder digits = new StringBuilder();
            while (position < text.length()) {
                char c = text.charAt(position);
                if (isDigit(c)) {
                    digits.append(c);
                } else if (isLetter(c)) {
                    return new BigDecimal(digits.toString());
                } else if (!Character.isWhitespace(c)) {
                    throw invalidCharacter(c);
                }
                position++;
            }
            throw invalid("time unit needed, for example " + digits + "s or " + digits + "ms");
        }

        /** Called at a letter: {@link #number()} returns only there. */
        private String unit() {
            int start = position;
            while (position < text.length() && isLetter(text.charAt(position))) {
                position++;
            }
            if (position < text.length()) {
                char c = text.charAt(position);
                if (!isDigit(c) && !Character.isWhitespace(c)) {
                    throw invalidCharacter(c);
                }
            }
            return text.substring(start, position);
        }

        private void skipSpaces() {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }

        private InvalidUnitException invalidCharacter(char c) {
            return invalid("invalid character '" + c + "' at position " + position
                    + "; write whole numbers with units, e.g. 1500ms or 1m 30s");
        }

        private InvalidUnitException invalid(String reason) {
            return new InvalidUnitException("Invalid duration: '" + text + "' (" + reason + ")");
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isLetter(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }
    }
}
