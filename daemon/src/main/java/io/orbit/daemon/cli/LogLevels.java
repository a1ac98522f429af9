package io.orbit.daemon.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** Orbit's level names ({@code info, debug, warning, error, trace, critical}) mapped onto Logback's. */
final class LogLevels {

    private LogLevels() {}

    /** Sets the root level; returns a warning when the name is unknown (Orbit silently used info). */
    static java.util.Optional<String> apply(String name) {
        Level level = switch (name.toLowerCase(Locale.ROOT)) {
            case "trace" -> Level.TRACE;
            case "debug" -> Level.DEBUG;
            case "info" -> Level.INFO;
            case "warning", "warn" -> Level.WARN;
            case "error", "critical" -> Level.ERROR;
            default -> null;
        };
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level == null ? Level.INFO : level);
        return level == null
                ? java.util.Optional.of("unknown log level '" + name
                        + "': using info (valid: trace, debug, info, warning, error, critical)")
                : java.util.Optional.empty();
    }
}
