package io.orbit.daemon;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A small Orbit service file for the daemon integration tests: every container runs the fixture image (busybox httpd
 * on {@code $PORT}, 8080 by default), so pods start in well under a second and stop at once on SIGTERM.
 *
 * @param minInstances written as {@code instance_count.min}, even when it breaks the rules (invalid files are tested)
 */
record ServiceFile(String name, int minInstances, int maxInstances, List<Container> containers) {

    static final String FIXTURE_IMAGE =
            System.getenv().getOrDefault("ORBIT_FIXTURE_IMAGE", "localhost/orbit-fixture:latest");

    /** One {@code spec.containers} entry; an empty command keeps the image's. */
    record Container(String name, List<String> command, Map<String, String> env, List<Integer> ports) {
        Container {
            requireNonNull(name, "name is null");
            command = List.copyOf(command);
            env = Map.copyOf(env);
            ports = List.copyOf(ports);
        }
    }

    ServiceFile {
        requireNonNull(name, "name is null");
        containers = List.copyOf(containers);
    }

    /** One container, {@code main}, serving on 8080; one to four pods. */
    static ServiceFile web(String name) {
        return new ServiceFile(name, 1, 4, List.of(main()));
    }

    /** Two containers per pod: {@code main} on 8080 and {@code sidecar} on 9090, so each pod gets its own network. */
    static ServiceFile withSidecar(String name) {
        return new ServiceFile(
                name, 1, 4, List.of(main(), new Container("sidecar", List.of(), Map.of("PORT", "9090"), List.of())));
    }

    private static Container main() {
        return new Container("main", List.of(), Map.of(), List.of(8080));
    }

    ServiceFile withInstances(int min, int max) {
        return new ServiceFile(name, min, max, containers);
    }

    /** Replaces the first container's command, which changes the pod template (and so its config hash). */
    ServiceFile withMainCommand(List<String> command) {
        List<Container> changed = new ArrayList<>(containers);
        Container first = changed.get(0);
        changed.set(0, new Container(first.name(), command, first.env(), first.ports()));
        return new ServiceFile(name, minInstances, maxInstances, changed);
    }

    String yaml() {
        StringBuilder yaml = new StringBuilder();
        yaml.append("name: ").append(name).append('\n');
        yaml.append("instance_count:\n");
        yaml.append("  min: ").append(minInstances).append('\n');
        yaml.append("  max: ").append(maxInstances).append('\n');
        yaml.append("spec:\n  containers:\n");
        for (Container container : containers) {
            yaml.append("    - name: ").append(container.name()).append('\n');
            yaml.append("      image: ").append(FIXTURE_IMAGE).append('\n');
            if (!container.command().isEmpty()) {
                yaml.append("      command: ")
                        .append(container.command().stream()
                                .map(argument -> '"' + argument + '"')
                                .collect(Collectors.joining(", ", "[", "]")))
                        .append('\n');
            }
            if (!container.env().isEmpty()) {
                yaml.append("      env:\n");
                container
                        .env()
                        .forEach((key, value) -> yaml.append("        ")
                                .append(key)
                                .append(": \"")
                                .append(value)
                                .append("\"\n"));
            }
            if (!container.ports().isEmpty()) {
                yaml.append("      ports:\n");
                container
                        .ports()
                        .forEach(port ->
                                yaml.append("        - port: ").append(port).append('\n'));
            }
        }
        return yaml.toString();
    }

    /**
     * Writes the file as editors and {@code mv} do: a hidden temporary file renamed over the target, so the watcher
     * never reads half a file (hidden files are not service files).
     */
    Path writeTo(Path file) {
        return writeAtomically(file, yaml());
    }

    static Path writeAtomically(Path file, String content) {
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            return Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
