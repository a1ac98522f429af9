package io.orbit.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The HTTP statuses an {@code http_check} accepts: {@code 200} or {@code "200-399"} in YAML. */
public record StatusRange(int from, int to) {

    /** Any success or redirect, as HAProxy and Kubernetes accept. */
    public static final StatusRange DEFAULT = new StatusRange(200, 399);

    private static final Pattern RANGE = Pattern.compile("^\\s*(\\d{3})\\s*(?:-\\s*(\\d{3})\\s*)?$");

    public StatusRange {
        if (from < 100 || to > 599 || from > to) {
            throw new InvalidUnitException(
                    "status range %d-%d: statuses go from 100 to 599, low to high; write e.g. 200-399"
                            .formatted(from, to));
        }
    }

    public boolean contains(int status) {
        return status >= from && status <= to;
    }

    /** Parses the YAML value; absent means {@link #DEFAULT}. */
    public static StatusRange parse(@Nullable JsonNode value) {
        if (value == null || ProblemList.isAbsent(value)) {
            return DEFAULT;
        }
        Matcher matcher = RANGE.matcher(value.asText());
        if (!matcher.matches()) {
            throw new InvalidUnitException("'" + value.asText()
                    + "' is not an HTTP status or range; write a status like 200 or a range like \"200-399\"");
        }
        int from = Integer.parseInt(matcher.group(1));
        int to = matcher.group(2) == null ? from : Integer.parseInt(matcher.group(2));
        return new StatusRange(from, to);
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
