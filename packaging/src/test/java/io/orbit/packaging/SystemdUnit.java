package io.orbit.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A systemd unit file read the simple way: sections of {@code Key=value} lines, comments and blank lines skipped. */
record SystemdUnit(Map<String, Map<String, List<String>>> sections) {

    static SystemdUnit read(Path file) {
        try {
            Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
            String section = "";
            for (String raw : Files.readAllLines(file)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                    continue;
                }
                if (line.startsWith("[") && line.endsWith("]")) {
                    section = line.substring(1, line.length() - 1);
                    continue;
                }
                int equals = line.indexOf('=');
                if (equals < 0) {
                    throw new IllegalArgumentException(file + ": not Key=value: " + raw);
                }
                sections.computeIfAbsent(section, name -> new LinkedHashMap<>())
                        .computeIfAbsent(line.substring(0, equals).strip(), key -> new ArrayList<>())
                        .add(line.substring(equals + 1).strip());
            }
            return new SystemdUnit(sections);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last value of a key (systemd's rule for single-valued settings), if set. */
    Optional<String> value(String section, String key) {
        List<String> values = sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
        return values.isEmpty() ? Optional.empty() : Optional.of(values.getLast());
    }

    List<String> values(String section, String key) {
        return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
    }

    /** {@code ExecStart} split on whitespace (the units here use no quoting). */
    List<String> execStart() {
        return List.of(value("Service", "ExecStart")
                .orElseThrow(() -> new AssertionError("no ExecStart"))
                .split("\\s+"));
    }
}
