package io.orbit.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the real engines listen for integration tests, and what happens when one is missing: the test is skipped
 * with the reason and the fix on a developer machine, but <em>fails</em> when {@code CI=true}, so a green CI cannot
 * hide a missing engine.
 */
public final class EngineSockets {

    private static final String SETUP = "run scripts/setup-engines.sh (as root) to install and start the engines";

    private EngineSockets() {}

    /** Rootful Podman: {@code $ORBIT_PODMAN_SOCKET}, default {@code /run/podman/podman.sock}. */
    public static Path podman() {
        return require("ORBIT_PODMAN_SOCKET", Path.of("/run/podman/podman.sock"), "rootful podman");
    }

    /** Docker: {@code $ORBIT_DOCKER_SOCKET}, default {@code /var/run/docker.sock}. */
    public static Path docker() {
        return require("ORBIT_DOCKER_SOCKET", Path.of("/var/run/docker.sock"), "dockerd");
    }

    /**
     * Rootless Podman of the test user ({@code $ORBIT_ROOTLESS_USER}, default {@code orbituser}): {@code
     * $ORBIT_ROOTLESS_PODMAN_SOCKET}, default {@code /run/user/UID/podman/podman.sock}.
     */
    public static Path rootlessPodman() {
        String user = System.getenv().getOrDefault("ORBIT_ROOTLESS_USER", "orbituser");
        Path fallback = uidOf(user)
                .map(uid -> Path.of("/run/user", uid, "podman", "podman.sock"))
                .orElse(Path.of("/run/user/1001/podman/podman.sock"));
        return require("ORBIT_ROOTLESS_PODMAN_SOCKET", fallback, "rootless podman of user " + user);
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static Path require(String variable, Path fallback, String engine) {
        Map<String, String> environment = System.getenv();
        Path socket =
                Optional.ofNullable(environment.get(variable)).map(Path::of).orElse(fallback);
        if (!Files.exists(socket)) {
            String reason =
                    "no %s socket at %s (set %s to another path, or %s)".formatted(engine, socket, variable, SETUP);
            if (inCi()) {
                throw new AssertionError("CI=true and " + reason);
            }
            Assumptions.abort(reason);
        }
        return socket;
    }

    private static Optional<String> uidOf(String user) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream()
                    .map(line -> line.split(":"))
                    .filter(fields -> fields.length > 2 && fields[0].equals(user))
                    .map(fields -> fields[2])
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
