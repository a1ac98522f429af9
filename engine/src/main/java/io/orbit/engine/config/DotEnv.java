package io.orbit.engine.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A strict dotenv parser for {@code env_file}: {@code KEY=value} lines, blank lines and {@code #} comments, an optional
 * {@code export } prefix, unquoted values (trimmed; {@code " #"} starts a comment), single quotes (literal, may span
 * lines) and double quotes (may span lines; {@code \n}, {@code \r}, {@code \t}, {@code \"}, {@code \\} and {@code \$}
 * are escapes). Nothing is evaluated: no {@code $VAR} expansion, no command substitution, so a value is exactly what
 * the file says.
 *
 * <p>Every error names the line and what to fix, and never quotes the line: a malformed line may well hold the
 * secret. A key set twice is an error (which one was meant?). Bounded: lines, keys and the file size (checked by the
 * reader) have limits.
 */
public final class DotEnv {

    /** Longer lines (a key or a value on one line) are refused. */
    public static final int MAX_LINE_CHARS = 64 * 1024;
    /** More variables than this in one file are refused. */
    public static final int MAX_ENTRIES = 4096;

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private DotEnv() {}

    /** A dotenv file that cannot be used; the message names the line and the fix, never a value. */
    public static final class DotEnvException extends Exception {
        private static final long serialVersionUID = 1L;

        DotEnvException(String message) {
            super(message);
        }
    }

    /** The variables of {@code text}, in file order. */
    public static Map<String, String> parse(String text) throws DotEnvException {
        if (text.indexOf('\0') >= 0) {
            int line = lineOf(text, text.indexOf('\0'));
            throw new DotEnvException("line " + line + " contains a NUL byte; a dotenv file is text, remove it");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lineOfKey = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String line = lines[i];
            if (line.length() > MAX_LINE_CHARS) {
                throw new DotEnvException("line " + lineNumber + " is longer than " + MAX_LINE_CHARS
                        + " characters; put a value that large into a secret file instead");
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (trimmed.startsWith("export ") || trimmed.startsWith("export\t")) {
                trimmed = trimmed.substring("export".length()).strip();
            }
            int equals = trimmed.indexOf('=');
            if (equals < 0) {
                throw new DotEnvException("line " + lineNumber + " is not KEY=value; add the '=' (an empty value is"
                        + " KEY=), or start a comment with #");
            }
            String key = trimmed.substring(0, equals).strip();
            if (!KEY.matcher(key).matches()) {
                throw new DotEnvException("line " + lineNumber + ": the name before '=' is not a variable name; use"
                        + " letters, digits and '_', not starting with a digit");
            }
            String rest = trimmed.substring(equals + 1).stripLeading();
            String value;
            if (rest.startsWith("'") || rest.startsWith("\"")) {
                Quoted quoted = quoted(lines, i, line.indexOf(rest.charAt(0), line.indexOf('=') + 1), lineNumber);
                value = quoted.value;
                i = quoted.lastLine;
            } else {
                value = unquoted(rest);
                if (value.indexOf('\'') >= 0 || value.indexOf('"') >= 0) {
                    throw new DotEnvException("line " + lineNumber + ": a quote inside an unquoted value; quote the"
                            + " whole value ('...' keeps everything as written)");
                }
            }
            Integer earlier = lineOfKey.put(key, lineNumber);
            if (earlier != null) {
                throw new DotEnvException("line " + lineNumber + " sets " + key + " again (first set on line " + earlier
                        + "); keep one of them");
            }
            if (values.size() >= MAX_ENTRIES) {
                throw new DotEnvException("more than " + MAX_ENTRIES + " variables; split the file");
            }
            values.put(key, value);
        }
        return values;
    }

    private record Quoted(String value, int lastLine) {}

    /** A quoted value starting at {@code start} of line {@code index}, possibly spanning the following lines. */
    private static Quoted quoted(String[] lines, int index, int start, int lineNumber) throws DotEnvException {
        char quote = lines[index].charAt(start);
        StringBuilder value = new StringBuilder();
        int lineIndex = index;
        int position = start + 1;
        while (true) {
            String line = lines[lineIndex];
            while (position < line.length()) {
                char c = line.charAt(position);
                if (c == quote) {
                    String after = line.substring(position + 1).strip();
                    if (!after.isEmpty() && !after.startsWith("#")) {
                        throw new DotEnvException("line " + (lineIndex + 1) + ": text after the closing quote; put"
                                + " it inside the quotes, or start a comment with #");
                    }
                    return new Quoted(value.toString(), lineIndex);
                }
                if (quote == '"' && c == '\\' && position + 1 < line.length()) {
                    char next = line.charAt(++position);
                    switch (next) {
                        case 'n' -> value.append('\n');
                        case 'r' -> value.append('\r');
                        case 't' -> value.append('\t');
                        case '"', '\\', '$' -> value.append(next);
                        default -> value.append('\\').append(next);
                    }
                } else {
                    value.append(c);
                }
                position++;
                if (value.length() > MAX_LINE_CHARS) {
                    throw new DotEnvException("line " + lineNumber + ": the quoted value is longer than "
                            + MAX_LINE_CHARS + " characters; put it into a secret file instead");
                }
            }
            lineIndex++;
            if (lineIndex >= lines.length) {
                throw new DotEnvException("line " + lineNumber + ": the " + (quote == '"' ? "double" : "single")
                        + " quote is never closed; add the closing " + quote);
            }
            value.append('\n');
            position = 0;
        }
    }

    /** An unquoted value: up to a comment ({@code " #"}), trimmed. */
    private static String unquoted(String rest) {
        int comment = rest.startsWith("#") ? 0 : rest.indexOf(" #");
        int tab = rest.indexOf("\t#");
        if (tab >= 0 && (comment < 0 || tab < comment)) {
            comment = tab;
        }
        return (comment >= 0 ? rest.substring(0, comment) : rest).strip();
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
