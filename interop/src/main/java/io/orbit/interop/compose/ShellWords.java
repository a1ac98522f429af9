package io.orbit.interop.compose;

import io.orbit.interop.InteropException;
import java.util.ArrayList;
import java.util.List;

/** Splits a command string into words as Compose does (POSIX shell quoting, no expansion). */
final class ShellWords {

    private ShellWords() {}

    static List<String> split(String command, String where) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == '\'') {
                int close = command.indexOf('\'', i + 1);
                if (close < 0) {
                    throw new InteropException(where + ": the quote ' in '" + command + "' is never closed");
                }
                word.append(command, i + 1, close);
                inWord = true;
                i = close;
            } else if (c == '"') {
                i++;
                while (i < command.length() && command.charAt(i) != '"') {
                    if (command.charAt(i) == '\\' && i + 1 < command.length()) {
                        i++;
                    }
                    word.append(command.charAt(i));
                    i++;
                }
                if (i >= command.length()) {
                    throw new InteropException(where + ": the quote \" in '" + command + "' is never closed");
                }
                inWord = true;
            } else if (c == '\\' && i + 1 < command.length()) {
                word.append(command.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
