package io.orbit.interop.compose;

import io.orbit.interop.InteropException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code .env} or {@code env_file} file: {@code KEY=VALUE} lines, {@code #} comments, an optional {@code export}
 * prefix, single quotes (literal), double quotes ({@code \n}, {@code \"} and {@code \\} escapes) and, unquoted, a
 * {@code " #"} comment after the value. A line without {@code =} names a variable with no value, which Compose takes
 * from the environment; here it has the empty value unless the environment has it.
 */
final class DotEnv {

    private DotEnv() {}

    static Map<String, String> parse(String text, String file, Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int number = 1; number <= lines.length; number++) {
            String line = lines[number - 1].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int equals = line.indexOf('=');
            String key = (equals < 0 ? line : line.substring(0, equals)).strip();
            if (key.isEmpty() || !key.matches("[A-Za-z_][A-Za-z0-9_.\\-]*")) {
                throw new InteropException(file + ": line " + number + ": '" + lines[number - 1]
                        + "' is not KEY=VALUE; a key is letters, digits and '_'");
            }
            if (equals < 0) {
                values.put(key, environment.getOrDefault(key, ""));
                continue;
            }
            values.put(key, value(line.substring(equals + 1).strip(), file, number));
        }
        return values;
    }

    private static String value(String raw, String file, int number) {
        if (raw.startsWith("'")) {
            int close = raw.indexOf('\'', 1);
            if (close < 0) {
                throw new InteropException(file + ": line " + number + ": the quote ' is never closed");
            }
            return raw.substring(1, close);
        }
        if (raw.startsWith("\"")) {
            StringBuilder value = new StringBuilder();
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\' && i + 1 < raw.length()) {
                    char next = raw.charAt(++i);
                    value.append(
                            switch (next) {
                                case 'n' -> '\n';
                                case 't' -> '\t';
                                default -> next;
                            });
                } else {
                    value.append(c);
                }
            }
            throw new InteropException(file + ": line " + number + ": the quote \" is never closed");
        }
        int comment = raw.indexOf(" #");
        return (comment < 0 ? raw : raw.substring(0, comment)).strip();
    }
}
