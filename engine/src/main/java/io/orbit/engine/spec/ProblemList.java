package io.orbit.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The problems found in one file, with the checks every rule shares (ranges and units). */
final class ProblemList {

    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$");
    private static final String DNS_LABEL_RULE =
            " must be a valid DNS label: lowercase alphanumeric characters or '-', starting and ending with"
                    + " alphanumeric (2 to 63 characters, e.g. 'web-api')";
    /** Orbit refuses longer names when it builds runtime names ({service}__{pod}__{container}__{uuid}). */
    private static final int MAX_NAME_LENGTH = 60;

    /** A bare memory number at or above this many GiB is probably meant as MiB. */
    private static final int SUSPICIOUS_GIB = 64;

    private final Path file;
    private final List<SpecProblem> problems = new ArrayList<>();

    ProblemList(Path file) {
        this.file = file;
    }

    List<SpecProblem> toList() {
        return List.copyOf(problems);
    }

    void error(String fieldPath, String message) {
        problems.add(SpecProblem.error(file, fieldPath, message));
    }

    void warning(String fieldPath, String message) {
        problems.add(SpecProblem.warning(file, fieldPath, message));
    }

    /**
     * Orbit's DNS-label rule, and the runtime-name length limit that Orbit only applied at container start.
     *
     * @param kind "Service" or "Container"
     */
    void name(String fieldPath, String name, String kind) {
        if (!DNS_LABEL.matcher(name).matches()) {
            error(
                    fieldPath,
                    "Invalid " + kind.toLowerCase(Locale.ROOT) + " name '" + name + "': " + kind + " name"
                            + DNS_LABEL_RULE);
        } else if (name.length() > MAX_NAME_LENGTH) {
            error(
                    fieldPath,
                    kind + " name exceeds maximum length of " + MAX_NAME_LENGTH + " characters (it has " + name.length()
                            + "); runtime names are built from it, so shorten it");
        }
    }

    /** An optional integer in {@code min..max}; {@code what} ends the message ("percent"), may be empty. */
    void range(String fieldPath, @Nullable Integer value, int min, int max, String what) {
        if (value != null && (value < min || value > max)) {
            error(
                    fieldPath,
                    "must be between " + min + " and " + max + (what.isEmpty() ? "" : " (" + what + ")") + ", got "
                            + value);
        }
    }

    void atLeast(String fieldPath, @Nullable Integer value, int min) {
        if (value != null && value < min) {
            error(fieldPath, "must be at least " + min + ", got " + value);
        }
    }

    /** A port number: 1–65535 and not the daemon's API port. Returns whether it may take part in conflict checks. */
    boolean port(String fieldPath, int port, int apiPort) {
        if (port < 1 || port > 65535) {
            error(fieldPath, "must be between 1 and 65535, got " + port);
            return false;
        }
        if (port == apiPort) {
            error(fieldPath, port + " is the daemon's API port; choose another port");
            return false;
        }
        return true;
    }

    /** A humantime duration; {@code zeroAllowed} for cooldowns, where 0 means "no cooldown". */
    Optional<Duration> duration(String fieldPath, @Nullable String value, boolean zeroAllowed) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            Duration duration = Units.duration(value);
            if (duration.isZero() && !zeroAllowed) {
                error(fieldPath, "must be longer than 0; write e.g. 10s");
                return Optional.empty();
            }
            return Optional.of(duration);
        } catch (InvalidUnitException e) {
            error(fieldPath, e.getMessage());
            return Optional.empty();
        }
    }

    void memory(String fieldPath, @Nullable JsonNode value) {
        if (value == null || isAbsent(value)) {
            return;
        }
        try {
            Units.memoryBytes(value);
            if (value.isNumber() && value.doubleValue() >= SUSPICIOUS_GIB) {
                warning(
                        fieldPath,
                        value.asText() + " means " + value.asText() + " GiB (a bare number is GiB, as in"
                                + " Orbit); write \"" + value.asText() + "M\" for mebibytes");
            }
        } catch (InvalidUnitException e) {
            error(fieldPath, e.getMessage());
        }
    }

    void cpu(String fieldPath, @Nullable JsonNode value) {
        if (value == null || isAbsent(value)) {
            return;
        }
        try {
            Units.nanoCpus(value);
        } catch (InvalidUnitException e) {
            error(fieldPath, e.getMessage());
        }
    }

    void networkRate(String fieldPath, @Nullable String value) {
        if (value == null) {
            return;
        }
        try {
            Units.bitsPerSecond(value);
        } catch (InvalidUnitException e) {
            error(fieldPath, e.getMessage());
        }
    }

    void networkBurst(String fieldPath, @Nullable String value) {
        if (value == null) {
            return;
        }
        try {
            Units.burstBytes(value);
        } catch (InvalidUnitException e) {
            error(fieldPath, e.getMessage());
        }
    }

    void thresholds(String fieldPath, ServiceSpec.@Nullable ResourceThresholds thresholds) {
        if (thresholds == null) {
            return;
        }
        range(FieldPaths.child(fieldPath, "cpu_percentage"), thresholds.cpuPercentage(), 1, 100, "percent");
        range(
                FieldPaths.child(fieldPath, "cpu_percentage_relative"),
                thresholds.cpuPercentageRelative(),
                1,
                100,
                "percent");
        range(FieldPaths.child(fieldPath, "memory_percentage"), thresholds.memoryPercentage(), 1, 100, "percent");
    }

    /** An absolute path on the host or in the container. */
    void absolutePath(String fieldPath, @Nullable String path) {
        if (path != null && !path.startsWith("/")) {
            error(fieldPath, "'" + path + "' is not an absolute path; write a path starting with /");
        }
    }

    /** A unit field left out or written as {@code ~}. */
    static boolean isAbsent(@Nullable JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode();
    }
}
