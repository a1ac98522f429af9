package io.orbit.interop.compose;

import io.orbit.interop.InteropException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Compose's variable interpolation in string values: {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}} (unset or
 * empty), {@code ${VAR-default}} (unset), {@code ${VAR:?message}} / {@code ${VAR?message}} (required), {@code
 * ${VAR:+other}} / {@code ${VAR+other}} (replacement when set) and {@code $$} for a literal {@code $}. Defaults may
 * themselves hold variables ({@code ${A:-${B}}}). An unset variable without a default becomes the empty string, with a
 * warning, as {@code docker compose} does.
 */
final class Interpolator {

    private final Map<String, String> variables;

    /** @param variables the process environment over the project's {@code .env} */
    Interpolator(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    /**
     * @param where the field path, for messages
     * @param unset told the name of every unset variable without a default
     * @throws InteropException for a {@code ?} variable that is not set, or a malformed reference
     */
    String interpolate(String text, String where, Consumer<String> unset) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                out.append('$');
                i++;
            } else if (text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (text.charAt(i + 1) == '{') {
                int close = matchingBrace(text, i + 1, where);
                out.append(braced(text.substring(i + 2, close), where, unset));
                i = close + 1;
            } else if (isNameStart(text.charAt(i + 1))) {
                int end = i + 1;
                while (end < text.length() && isNamePart(text.charAt(end))) {
                    end++;
                }
                out.append(lookup(text.substring(i + 1, end), unset));
                i = end;
            } else {
                throw new InteropException(where + ": invalid interpolation '" + text + "': a '$' must start $VAR, "
                        + "${VAR} or ${VAR:-default}; write '$$' for a literal '$'");
            }
        }
        return out.toString();
    }

    private String braced(String inside, String where, Consumer<String> unset) {
        int end = 0;
        while (end < inside.length() && isNamePart(inside.charAt(end))) {
            end++;
        }
        String name = inside.substring(0, end);
        if (name.isEmpty() || !isNameStart(name.charAt(0))) {
            throw new InteropException(where + ": invalid interpolation '${" + inside + "}': expected a variable name");
        }
        String rest = inside.substring(end);
        String value = variables.get(name);
        if (rest.isEmpty()) {
            return value != null ? value : lookup(name, unset);
        }
        String[] operators = {":-", "-", ":?", "?", ":+", "+"};
        for (String operator : operators) {
            if (rest.startsWith(operator)) {
                String argument = rest.substring(operator.length());
                boolean colon = operator.startsWith(":");
                // With a colon an empty value counts as unset, as in the shell.
                String set = value != null && (!colon || !value.isEmpty()) ? value : null;
                return switch (operator.charAt(operator.length() - 1)) {
                    case '-' -> set != null ? set : interpolate(argument, where, unset);
                    case '+' -> set != null ? interpolate(argument, where, unset) : "";
                    default -> {
                        if (set != null) {
                            yield set;
                        }
                        throw new InteropException(where + ": required variable " + name + " is "
                                + (value == null ? "not set" : "empty") + ": "
                                + interpolate(argument, where, unset) + " (set it in the environment or in .env)");
                    }
                };
            }
        }
        throw new InteropException(where + ": invalid interpolation '${" + inside + "}': after the name comes '}', "
                + "':-', '-', ':?', '?', ':+' or '+'");
    }

    private String lookup(String name, Consumer<String> unset) {
        String value = variables.get(name);
        if (value == null) {
            unset.accept(name);
            return "";
        }
        return value;
    }

    private static int matchingBrace(String text, int open, String where) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new InteropException(where + ": invalid interpolation '" + text + "': '${' is never closed by '}'");
    }

    private static boolean isNameStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }
}
