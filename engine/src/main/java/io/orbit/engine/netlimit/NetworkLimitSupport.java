package io.orbit.engine.netlimit;

import static java.util.Objects.requireNonNull;

/**
 * Whether this host can apply network limits, checked once at startup; {@code problem} and {@code fix} are empty when
 * it can.
 */
public record NetworkLimitSupport(boolean available, String problem, String fix) {

    public NetworkLimitSupport {
        requireNonNull(problem, "problem is null");
        requireNonNull(fix, "fix is null");
    }

    public static NetworkLimitSupport supported() {
        return new NetworkLimitSupport(true, "", "");
    }

    public static NetworkLimitSupport unsupported(String problem, String fix) {
        return new NetworkLimitSupport(false, problem, fix);
    }
}
