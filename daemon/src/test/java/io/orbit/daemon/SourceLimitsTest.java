package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The size limits the project keeps for its main code, checked over every packaged module's {@code src/main/java}: no method
 * (or constructor) longer than {@value #MAX_METHOD_LINES} lines, and no source file longer than {@value
 * #MAX_CLASS_LINES} lines unless its type's Javadoc says why in one line starting with {@value #REASON}. Long
 * methods and classes are where the engine grew knots; the limit keeps the next feature from adding to them.
 */
class SourceLimitsTest {
    static final int MAX_METHOD_LINES = 60;
    static final int MAX_CLASS_LINES = 300;
    static final String REASON = "Longer than 300 lines:";

    /** The reason line: {@value #REASON} (or "Over 300 lines because"), then the reason. */
    private static final Pattern REASON_LINE =
            Pattern.compile("^\\s*\\*\\s*(<p>)?(" + Pattern.quote(REASON) + "|Over 300 lines because)\\s+\\S");

    @Test
    void noMainMethodIsLongerThanSixtyLines() {
        List<String> tooLong = new ArrayList<>();
        for (Path file : mainSources()) {
            for (JavaMethods.Method method : JavaMethods.of(read(file))) {
                if (method.lines() > MAX_METHOD_LINES) {
                    tooLong.add(relative(file) + ":" + method.firstLine() + " " + method.name() + " (" + method.lines()
                            + " lines)");
                }
            }
        }
        assertThat(tooLong)
                .as("methods longer than %d lines: split them into named steps", MAX_METHOD_LINES)
                .isEmpty();
    }

    @Test
    void aMainClassOverThreeHundredLinesSaysWhyInItsJavadoc() {
        List<String> unexplained = new ArrayList<>();
        for (Path file : mainSources()) {
            String text = read(file);
            long lines = text.lines().count();
            if (lines > MAX_CLASS_LINES
                    && text.lines().noneMatch(line -> REASON_LINE.matcher(line).find())) {
                unexplained.add(relative(file) + " (" + lines + " lines)");
            }
        }
        assertThat(unexplained)
                .as(
                        "classes over %d lines: split them, or say why in a Javadoc line starting '%s'",
                        MAX_CLASS_LINES, REASON)
                .isEmpty();
    }

    @Test
    void theMethodFinderSeesMethodsConstructorsAndNotLambdasOrTypes() {
        String source = """
                package p;
                /** A "{" in a comment. */
                record R(int a) {
                    R {
                        if (a < 0) { throw new IllegalArgumentException("}"); }
                    }
                    static final int[] TABLE = {1, 2};
                    @SuppressWarnings({"unchecked"})
                    <T> T first(java.util.List<T> list)
                            throws Exception {
                        Runnable r = () -> {
                            char brace = '{';
                        };
                        Object o = new Object() {
                            @Override
                            public String toString() {
                                return \"""
                                    }
                                    \""";
                            }
                        };
                        return list.get(0);
                    }
                    enum E { A, B; void m() {} }
                }
                """;
        assertThat(JavaMethods.of(source))
                .extracting(JavaMethods.Method::name, JavaMethods.Method::firstLine, JavaMethods.Method::lines)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("R", 4, 3),
                        org.assertj.core.groups.Tuple.tuple("first", 9, 15),
                        org.assertj.core.groups.Tuple.tuple("toString", 16, 5),
                        org.assertj.core.groups.Tuple.tuple("m", 24, 1));
    }

    private static List<Path> mainSources() {
        Path root = Path.of("").toAbsolutePath().getParent();
        try (Stream<Path> modules = Files.list(root)) {
            List<Path> sources = new ArrayList<>();
            for (Path module : modules.sorted().toList()) {
                if (module.getFileName().toString().equals("runtime-testkit")) {
                    continue; // test code by purpose (fakes, the contract suite), never packaged
                }
                Path main = module.resolve("src/main/java");
                if (Files.isDirectory(main)) {
                    try (Stream<Path> files = Files.walk(main)) {
                        files.filter(f -> f.toString().endsWith(".java"))
                                .sorted()
                                .forEach(sources::add);
                    }
                }
            }
            assertThat(sources).as("main sources under %s", root).hasSizeGreaterThan(100);
            return sources;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path file) {
        return Path.of("").toAbsolutePath().getParent().relativize(file).toString();
    }

    /**
     * Finds method and constructor bodies in Java source by its tokens (comments, strings, text blocks and character
     * literals skipped): a {@code {} directly inside a type body that follows a parameter list (or a record's compact
     * constructor name) opens one. Lambdas, initialisers of arrays and the bodies of anonymous classes are not
     * methods; the methods of an anonymous class are.
     */
    static final class JavaMethods {
        record Method(String name, int firstLine, int lines) {}

        private record Token(String text, int line) {}

        private enum Scope {
            TYPE,
            METHOD,
            OTHER
        }

        private static final Set<String> TYPE_WORDS = Set.of("class", "interface", "enum", "record");

        static List<Method> of(String source) {
            List<Method> methods = new ArrayList<>();
            Deque<Scope> scopes = new ArrayDeque<>();
            Deque<Method> open = new ArrayDeque<>();
            List<Token> pending = new ArrayList<>();
            int parens = 0;
            for (Token token : tokens(source)) {
                switch (token.text()) {
                    case "(" -> {
                        parens++;
                        pending.add(token);
                    }
                    case ")" -> {
                        parens--;
                        pending.add(token);
                    }
                    case ";" -> {
                        if (parens == 0) {
                            pending.clear();
                        }
                    }
                    case "{" -> {
                        Scope scope = parens > 0 ? Scope.OTHER : scopeOf(pending, scopes.peek());
                        scopes.push(scope);
                        if (scope == Scope.METHOD) {
                            Token name = nameOf(pending);
                            open.push(new Method(name.text(), name.line(), 0));
                        }
                        pending.clear();
                    }
                    case "}" -> {
                        if (parens > 0) {
                            scopes.pop(); // an array inside an annotation's arguments: the declaration goes on
                            continue;
                        }
                        Scope closed = scopes.pop();
                        if (closed == Scope.METHOD) {
                            Method started = open.pop();
                            methods.add(new Method(
                                    started.name(), started.firstLine(), token.line() - started.firstLine() + 1));
                        }
                        pending.clear();
                    }
                    default -> pending.add(token);
                }
            }
            return methods;
        }

        private static Scope scopeOf(List<Token> pending, Scope enclosing) {
            if (declaresType(pending)
                    || (last(pending, 0).equals(")")
                            && pending.stream().anyMatch(t -> t.text().equals("new")))) {
                return Scope.TYPE;
            }
            if (enclosing != Scope.TYPE
                    || pending.stream()
                            .anyMatch(t -> t.text().equals("=") || t.text().equals("->"))) {
                return Scope.OTHER;
            }
            boolean parameters = pending.stream().anyMatch(t -> t.text().equals("("));
            boolean compactConstructor = !parameters && !pending.isEmpty() && isIdentifier(last(pending, 0));
            return parameters || compactConstructor ? Scope.METHOD : Scope.OTHER;
        }

        /** {@code class X}, {@code enum X}, {@code record X(}, not {@code X.class} nor a variable named record. */
        private static boolean declaresType(List<Token> pending) {
            for (int i = 0; i + 1 < pending.size(); i++) {
                String word = pending.get(i).text();
                boolean named = TYPE_WORDS.contains(word)
                        && (i == 0 || !pending.get(i - 1).text().equals("."))
                        && isIdentifier(pending.get(i + 1).text());
                if (named
                        && (!word.equals("record")
                                || (i + 2 < pending.size()
                                        && pending.get(i + 2).text().equals("(")))) {
                    return true;
                }
            }
            return false;
        }

        /** The identifier before the parameter list, annotations and their arguments skipped. */
        private static Token nameOf(List<Token> pending) {
            int depth = 0;
            for (int i = 0; i < pending.size(); i++) {
                String text = pending.get(i).text();
                if (text.equals("@")) {
                    i++; // the annotation's name; its arguments are skipped by the depth count
                    while (i + 2 < pending.size() && pending.get(i + 1).text().equals(".")) {
                        i += 2;
                    }
                    if (i + 1 < pending.size() && pending.get(i + 1).text().equals("(")) {
                        i++;
                        depth = 1;
                        while (depth > 0 && ++i < pending.size()) {
                            depth += pending.get(i).text().equals("(")
                                    ? 1
                                    : pending.get(i).text().equals(")") ? -1 : 0;
                        }
                    }
                } else if (text.equals("(") && i > 0) {
                    return pending.get(i - 1);
                }
            }
            return pending.getLast();
        }

        private static String last(List<Token> pending, int back) {
            return pending.size() > back
                    ? pending.get(pending.size() - 1 - back).text()
                    : "";
        }

        private static boolean isIdentifier(String text) {
            return !text.isEmpty() && Character.isJavaIdentifierStart(text.charAt(0));
        }

        private static List<Token> tokens(String s) {
            List<Token> tokens = new ArrayList<>();
            int line = 1;
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\n') {
                    line++;
                    i++;
                } else if (s.startsWith("//", i)) {
                    i = s.indexOf('\n', i) < 0 ? s.length() : s.indexOf('\n', i);
                } else if (s.startsWith("/*", i) || s.startsWith("\"\"\"", i)) {
                    String close = s.startsWith("/*", i) ? "*/" : "\"\"\"";
                    int end = skipTo(s, i + (close.equals("*/") ? 2 : 3), close);
                    line += count(s, i, end, '\n');
                    i = end;
                } else if (c == '"' || c == '\'') {
                    int end = i + 1;
                    while (end < s.length() && s.charAt(end) != c) {
                        end += s.charAt(end) == '\\' ? 2 : 1;
                    }
                    i = end + 1;
                } else if (Character.isJavaIdentifierStart(c)) {
                    int end = i;
                    while (end < s.length() && Character.isJavaIdentifierPart(s.charAt(end))) {
                        end++;
                    }
                    tokens.add(new Token(s.substring(i, end), line));
                    i = end;
                } else if (s.startsWith("->", i)) {
                    tokens.add(new Token("->", line));
                    i += 2;
                } else if ("{}();=@.".indexOf(c) >= 0) {
                    tokens.add(new Token(String.valueOf(c), line));
                    i++;
                } else {
                    i++;
                }
            }
            return tokens;
        }

        /** The index just after {@code close}, searched from {@code from} (a text block skips escaped quotes). */
        private static int skipTo(String s, int from, String close) {
            int i = from;
            while (i < s.length() && !s.startsWith(close, i)) {
                i += s.charAt(i) == '\\' && !close.equals("*/") ? 2 : 1;
            }
            return Math.min(s.length(), i + close.length());
        }

        private static int count(String s, int from, int to, char c) {
            int n = 0;
            for (int i = from; i < to; i++) {
                n += s.charAt(i) == c ? 1 : 0;
            }
            return n;
        }
    }
}
