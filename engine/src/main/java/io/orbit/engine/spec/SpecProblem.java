package io.orbit.engine.spec;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * One problem in one service file: where (file and field path such as {@code spec.containers[0].ports[1].node_port})
 * and what to do about it. Errors make the file invalid (its service keeps running as it was); warnings do not.
 *
 * @param fieldPath the path of the offending field, empty for the file as a whole
 */
public record SpecProblem(Path file, String fieldPath, Severity severity, String message) {

    public enum Severity {
        ERROR,
        WARNING
    }

    public SpecProblem {
        requireNonNull(file, "file is null");
        requireNonNull(fieldPath, "fieldPath is null");
        requireNonNull(severity, "severity is null");
        requireNonNull(message, "message is null");
        message = bounded(message);
    }

    /** The longest message kept whole; a hostile file's values quoted back must not flood /status or the log. */
    static final int MAX_MESSAGE = 800;

    private static final java.util.regex.Pattern LONG_WORD = java.util.regex.Pattern.compile("\\S{81,}");

    /**
     * Quoted values over 80 characters are cut to their first 60 (with the length said), then a message still over
     * {@link #MAX_MESSAGE} keeps its beginning and its end (where the fix is).
     */
    private static String bounded(String message) {
        if (message.length() <= 80) {
            return message;
        }
        String shortened = LONG_WORD
                .matcher(message)
                .replaceAll(word -> java.util.regex.Matcher.quoteReplacement(
                        word.group().substring(0, 60) + "... (" + word.group().length() + " characters)"));
        if (shortened.length() <= MAX_MESSAGE) {
            return shortened;
        }
        int tail = MAX_MESSAGE / 4;
        return shortened.substring(0, MAX_MESSAGE - tail) + " ... (" + (shortened.length() - MAX_MESSAGE)
                + " characters left out) ... " + shortened.substring(shortened.length() - tail);
    }

    public static SpecProblem error(Path file, String fieldPath, String message) {
        return new SpecProblem(file, fieldPath, Severity.ERROR, message);
    }

    public static SpecProblem warning(Path file, String fieldPath, String message) {
        return new SpecProblem(file, fieldPath, Severity.WARNING, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code web.yml: spec.containers[0].ports[1].node_port: 8080 is already used by service 'api' (api.yml)}. */
    @Override
    public String toString() {
        String where = fieldPath.isEmpty() ? file.toString() : file + ": " + fieldPath;
        return (severity == Severity.WARNING ? "warning: " : "") + where + ": " + message;
    }
}
