package io.orbit.engine.health;

import static java.util.Objects.requireNonNull;

/** One probe's outcome; {@code detail} says why it failed ("connection refused", "status 503 (expected 200-399)"). */
public record ProbeResult(boolean passed, String detail) {

    public static final ProbeResult PASSED = new ProbeResult(true, "passed");

    public ProbeResult {
        requireNonNull(detail, "detail is null");
    }

    public static ProbeResult failed(String detail) {
        return new ProbeResult(false, detail);
    }
}
