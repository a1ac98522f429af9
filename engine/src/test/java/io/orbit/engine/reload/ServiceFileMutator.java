package io.orbit.engine.reload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Writes one mutated or hostile "service file" per call, all from one seeded {@link Random}: byte flips, truncations,
 * replaced values of the wrong type or absurd size, unknown keys, alias bombs, deep nesting, binary garbage, YAML tags,
 * several documents, invalid UTF-8, files over the size limit, and things that are not files at all (a symbolic link
 * to {@code /dev/zero}, a FIFO, a directory, a link loop).
 */
public final class ServiceFileMutator {

    /** The service whose definition no fuzzed file may change. */
    public static final String GOOD = """
            name: good
            instance_count:
              min: 1
              max: 2
            spec:
              containers:
                - name: main
                  image: localhost/orbit-fixture:latest
                  ports:
                    - port: 8080
                      node_port: 18090
            """;

    /** A rich valid file (most sections set), the base of the mutations. */
    static final String BASE = """
            name: fuzzed
            instance_count:
              min: 2
              max: 3
            pull_policy: IfNotPresent
            rolling_update_config:
              max_surge: 1
              max_unavailable: 0
              timeout: 60s
            spec:
              containers:
                - name: web
                  image: localhost/orbit-demo:latest
                  command: ["httpd", "-f", "-p", "8080"]
                  env:
                    MODE: "fuzz"
                    LEVEL: "3"
                  ports:
                    - port: 8080
                      node_port: 18091
                  health_check:
                    startup_timeout: 30s
                    startup_failure_threshold: 3
                    liveness_period: 2s
                    liveness_failure_threshold: 2
                    tcp_check:
                      port: 8080
                      timeout: 2s
                    http_check:
                      port: 8080
                      path: /cgi-bin/health
                      expected_status: 200-299
                      timeout: 1s
                - name: sidecar
                  image: localhost/orbit-fixture:latest
                  env:
                    PORT: "9090"
            """;

    private static final List<String> HOSTILE_VALUES = List.of(
            "[]",
            "{}",
            "null",
            "~",
            "true",
            "-1",
            "0",
            "1e400",
            "-9223372036854775809",
            "99999999999999999999999999999",
            "0x7fffffff",
            ".nan",
            "\"\"",
            "\"\\u0000\"",
            "!!binary aGVsbG8=",
            "!!python/object:os.system [\"rm -rf /\"]",
            "!<tag:yaml.org,2002:java.net.URL> [\"http://127.0.0.1/\"]",
            "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1\"]]]]",
            "*undefined",
            "&anchor value",
            "<<: *nothing",
            "|\n  block\n  text",
            "'unterminated",
            "\"unterminated",
            "[unterminated",
            "{a: b",
            "- a\n- b",
            "2001-01-01T00:00:00Z",
            "@reserved",
            "`backtick`",
            "%TAG ! tag:x,2000:",
            "\t",
            "../../../../etc/passwd",
            "$(reboot)",
            "${HOME}",
            "Always",
            "always");

    private static final List<String> FIELDS = List.of(
            "name",
            "instance_count",
            "min",
            "max",
            "spec",
            "containers",
            "image",
            "command",
            "env",
            "ports",
            "port",
            "node_port",
            "health_check",
            "timeout",
            "pull_policy",
            "volumes",
            "memory_limit",
            "cpus",
            "privileged",
            "network",
            "files",
            "autoscale");

    private final Random random;
    private final Path root;
    private boolean claimsGood;
    private boolean serviceFile;

    public ServiceFileMutator(Random random, Path root) {
        this.random = random;
        this.root = root;
    }

    /** Whether the last file claimed the name {@code good} (then the good file may be reported as a duplicate). */
    public boolean claimsGood() {
        return claimsGood;
    }

    /** Whether the last thing written is one the daemon reads as a service file (not a FIFO, a directory...). */
    public boolean isServiceFile() {
        return serviceFile;
    }

    /** Writes the next hostile thing at {@code file}; returns what it is, for the failure message. */
    public String writeHostile(Path file) {
        claimsGood = false;
        serviceFile = true;
        int pick = random.nextInt(100);
        try {
            if (pick < 40) {
                return writeText(file, mutate(BASE), "mutated");
            }
            if (pick < 50) {
                return writeBytes(file, flipBytes(BASE.getBytes(StandardCharsets.UTF_8)), "flipped bytes");
            }
            if (pick < 55) {
                return writeBytes(file, garbage(1 + random.nextInt(8192)), "binary garbage");
            }
            if (pick < 60) {
                return writeText(file, BASE.substring(0, random.nextInt(BASE.length())), "truncated");
            }
            if (pick < 64) {
                return writeText(file, billionLaughs(), "alias bomb");
            }
            if (pick < 68) {
                int depth = List.of(100, 1_000, 10_000, 300_000).get(random.nextInt(4));
                return writeText(
                        file,
                        random.nextBoolean()
                                ? "name: x\nspec: " + "[".repeat(depth) + "]".repeat(depth)
                                : nestedMappings(depth),
                        "deep nesting (" + depth + ")");
            }
            if (pick < 72) {
                int variant = random.nextInt(4);
                return writeText(file, hugeValue(variant), "huge value (" + variant + ")");
            }
            if (pick < 75) {
                return writeText(file, manyKeys(), "many keys");
            }
            if (pick < 78) {
                return writeText(file, BASE + "---\n" + BASE.replace("fuzzed", "second"), "two documents");
            }
            if (pick < 82) {
                claimsGood = true;
                return writeText(file, mutate(BASE.replace("name: fuzzed", "name: good")), "claims the good name");
            }
            if (pick < 85) {
                return writeBytes(file, badEncoding(), "bad encoding");
            }
            if (pick < 87) {
                return writeText(
                        file, "name: x\n#" + "x".repeat(1_048_576 + random.nextInt(1_000_000)), "over the size limit");
            }
            if (pick < 89) {
                return writeText(
                        file, BASE.replace("  - name: web", "  - name: web\n" + unknownFields()), "unknown fields");
            }
            return special(file, pick);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fuzz file " + file, e);
        }
    }

    /** Removes what {@link #writeHostile} left (a directory, a FIFO, a link and its target). */
    public void cleanUp(Path file) {
        try {
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> tree = Files.walk(file)) {
                    for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            Files.deleteIfExists(file);
            for (String leftover : List.of(".fifo-" + file.getFileName(), "sub-" + file.getFileName())) {
                Path path = root.resolve(leftover);
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    try (Stream<Path> tree = Files.walk(path)) {
                        for (Path inner : tree.sorted(Comparator.reverseOrder()).toList()) {
                            Files.delete(inner);
                        }
                    }
                }
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + file, e);
        }
    }

    private String special(Path file, int pick) throws IOException {
        switch (pick % 6) {
            case 0 -> {
                Files.createSymbolicLink(file, Path.of("/dev/zero"));
                return "link to /dev/zero";
            }
            case 1 -> {
                Files.createSymbolicLink(file, Path.of("/dev/urandom"));
                return "link to /dev/urandom";
            }
            case 2 -> {
                // A FIFO nobody writes: opening it for reading would block forever.
                Path fifo = random.nextBoolean() ? file : root.resolve(".fifo-" + file.getFileName());
                mkfifo(fifo);
                if (!fifo.equals(file)) {
                    Files.createSymbolicLink(file, fifo.getFileName());
                }
                return fifo.equals(file) ? "FIFO" : "link to a FIFO";
            }
            case 3 -> {
                serviceFile = false;
                Files.createDirectories(file.resolve("inner"));
                return "directory named like a service file";
            }
            case 4 -> {
                Files.createSymbolicLink(file, file.getFileName());
                return "link to itself";
            }
            default -> {
                Path sub = Files.createDirectories(root.resolve("sub-" + file.getFileName()));
                Files.createSymbolicLink(sub.resolve("loop"), Path.of(".."));
                Files.writeString(file, mutate(BASE));
                return "directory link loop";
            }
        }
    }

    private static void mkfifo(Path fifo) throws IOException {
        Process mkfifo =
                new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        try {
            if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
                throw new IOException("mkfifo " + fifo + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private String writeText(Path file, String text, String kind) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return kind;
    }

    private String writeBytes(Path file, byte[] bytes, String kind) throws IOException {
        Files.write(file, bytes);
        return kind;
    }

    /** One to four line-level mutations of the text. */
    private String mutate(String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count && !lines.isEmpty(); i++) {
            int at = random.nextInt(lines.size());
            String line = lines.get(at);
            switch (random.nextInt(7)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, line);
                case 2 -> lines.set(at, replaceValue(line));
                case 3 ->
                    lines.add(
                            at,
                            indentOf(line) + FIELDS.get(random.nextInt(FIELDS.size())) + ": "
                                    + HOSTILE_VALUES.get(random.nextInt(HOSTILE_VALUES.size())));
                case 4 -> lines.set(at, " ".repeat(random.nextInt(9)) + line.strip());
                case 5 -> lines.set(at, line.replace(':', random.nextBoolean() ? '=' : ' '));
                default ->
                    lines.add(
                            at,
                            indentOf(line) + "unknown_" + random.nextInt(1000) + ": "
                                    + HOSTILE_VALUES.get(random.nextInt(HOSTILE_VALUES.size())));
            }
        }
        return String.join("\n", lines);
    }

    private String replaceValue(String line) {
        int colon = line.indexOf(':');
        String value = HOSTILE_VALUES.get(random.nextInt(HOSTILE_VALUES.size()));
        if (random.nextInt(10) == 0) {
            value = "\"" + "v".repeat(100_000) + "\"";
        }
        return colon < 0 ? line + " " + value : line.substring(0, colon + 1) + " " + value;
    }

    private static String indentOf(String line) {
        return " ".repeat(line.length() - line.stripLeading().length());
    }

    private byte[] flipBytes(byte[] bytes) {
        byte[] flipped = bytes.clone();
        int count = 1 + random.nextInt(16);
        for (int i = 0; i < count; i++) {
            flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
        }
        return flipped;
    }

    private byte[] garbage(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private byte[] badEncoding() {
        return switch (random.nextInt(4)) {
            case 0 -> BASE.getBytes(StandardCharsets.UTF_16);
            case 1 -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, BASE.getBytes(StandardCharsets.UTF_8));
            case 2 -> concat(BASE.getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, (byte) 0x28});
            default -> BASE.replace("fuzz", "f\u0000z\u0007\u001b[2J").getBytes(StandardCharsets.UTF_8);
        };
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private String hugeValue(int variant) {
        int size = 10_000 + random.nextInt(900_000);
        return switch (variant) {
            case 0 -> BASE.replace("fuzzed", "f".repeat(size));
            case 1 -> BASE.replace("MODE: \"fuzz\"", "MODE: \"" + "m".repeat(size) + "\"");
            case 2 -> BASE.replace("min: 2", "min: " + "7".repeat(Math.min(size, 100_000)));
            default ->
                BASE.replace(
                        "command: [\"httpd\", \"-f\", \"-p\", \"8080\"]",
                        "command: [" + "\"a\", ".repeat(size / 5) + "\"z\"]");
        };
    }

    private String manyKeys() {
        StringBuilder yaml = new StringBuilder(BASE.replace("    LEVEL: \"3\"\n", ""));
        int at = yaml.indexOf("MODE:");
        StringBuilder keys = new StringBuilder();
        int count = 1_000 + random.nextInt(40_000);
        for (int i = 0; i < count; i++) {
            keys.append("K").append(i).append(": \"v\"\n            ");
        }
        yaml.insert(at, keys);
        return yaml.toString();
    }

    private String unknownFields() {
        StringBuilder fields = new StringBuilder();
        int count = 1 + random.nextInt(20);
        for (int i = 0; i < count; i++) {
            fields.append("      ")
                    .append(FIELDS.get(random.nextInt(FIELDS.size())))
                    .append("_x")
                    .append(i)
                    .append(": ")
                    .append(HOSTILE_VALUES
                            .get(random.nextInt(HOSTILE_VALUES.size()))
                            .replace("\n", " "))
                    .append('\n');
        }
        return fields.toString();
    }

    /** "Billion laughs": nine levels of ten aliases each, 10^9 leaves if a loader expanded them. */
    static String billionLaughs() {
        StringBuilder yaml = new StringBuilder("name: lol\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char previous = 'a';
        for (char level = 'b'; level <= 'j'; level++) {
            yaml.append(level).append(": &").append(level).append(" [");
            for (int i = 0; i < 10; i++) {
                yaml.append(i == 0 ? "" : ",").append('*').append(previous);
            }
            yaml.append("]\n");
            previous = level;
        }
        yaml.append("instance_count: {min: 1, max: 1}\nspec: {containers: [{name: main, image: *j}]}\n");
        return yaml.toString();
    }

    /** {@code {a: {a: ...}}} nested {@code depth} mappings deep (flow style, so the file grows linearly). */
    static String nestedMappings(int depth) {
        return "name: deep\nspec: " + "{a: ".repeat(depth) + "1" + "}".repeat(depth) + "\n";
    }
}
