package io.orbit.runtime.http;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Finds an engine's Unix socket in the usual order: the explicit option, {@code CONTAINER_HOST} (Podman) or {@code
 * DOCKER_HOST} (Docker), the rootless socket under {@code $XDG_RUNTIME_DIR}, then the system socket. Pure: the
 * environment and the file test are passed in, so the order is unit-tested.
 */
public final class EngineSocketDiscovery {

    /** Where a socket came from, for the log line and error messages. */
    public record Discovered(Path socket, String source, List<Path> tried) {
        public Discovered {
            tried = List.copyOf(tried);
        }
    }

    public enum Engine {
        PODMAN,
        DOCKER
    }

    private EngineSocketDiscovery() {}

    /**
     * @param explicit the {@code --runtime-socket} option: a path or {@code unix://} URI
     * @return the first candidate that exists; when none does, the system default (so the error names it)
     * @throws IllegalArgumentException when the option or variable is not a {@code unix://} address
     */
    public static Discovered discover(
            Engine engine, Optional<String> explicit, Map<String, String> environment, Predicate<Path> exists) {
        if (explicit.isPresent()) {
            Path socket = toPath(explicit.get(), "--runtime-socket");
            return new Discovered(socket, "--runtime-socket", List.of(socket));
        }
        String variable = engine == Engine.PODMAN ? "CONTAINER_HOST" : "DOCKER_HOST";
        String fromEnvironment = environment.get(variable);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            Path socket = toPath(fromEnvironment, variable);
            return new Discovered(socket, variable, List.of(socket));
        }
        List<Path> candidates = new ArrayList<>();
        String runtimeDirectory = environment.get("XDG_RUNTIME_DIR");
        if (runtimeDirectory != null && !runtimeDirectory.isBlank()) {
            candidates.add(
                    engine == Engine.PODMAN
                            ? Path.of(runtimeDirectory, "podman", "podman.sock")
                            : Path.of(runtimeDirectory, "docker.sock"));
        }
        Path systemSocket =
                engine == Engine.PODMAN ? Path.of("/run/podman/podman.sock") : Path.of("/var/run/docker.sock");
        candidates.add(systemSocket);
        for (Path candidate : candidates) {
            if (exists.test(candidate)) {
                String source = candidate.equals(systemSocket) ? "system socket" : "$XDG_RUNTIME_DIR (rootless)";
                return new Discovered(candidate, source, candidates);
            }
        }
        return new Discovered(systemSocket, "default (not found)", candidates);
    }

    private static Path toPath(String address, String origin) {
        if (address.startsWith("unix://")) {
            return Path.of(address.substring("unix://".length()));
        }
        if (address.startsWith("/")) {
            return Path.of(address);
        }
        throw new IllegalArgumentException("%s must be a Unix socket (unix:///path/to.sock or /path/to.sock), got '%s'"
                .formatted(origin, address));
    }
}
