package io.orbit.runtime.http;

import static io.orbit.runtime.http.EngineSocketDiscovery.Engine.DOCKER;
import static io.orbit.runtime.http.EngineSocketDiscovery.Engine.PODMAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class EngineSocketDiscoveryTest {

    private static final Map<String, String> ROOTLESS_SESSION = Map.of("XDG_RUNTIME_DIR", "/run/user/1001");

    @Test
    void theExplicitOptionWinsOverEverything() {
        var found = EngineSocketDiscovery.discover(
                PODMAN,
                Optional.of("unix:///tmp/my.sock"),
                Map.of("CONTAINER_HOST", "unix:///other.sock"),
                existing("/run/podman/podman.sock"));

        assertThat(found.socket()).isEqualTo(Path.of("/tmp/my.sock"));
        assertThat(found.source()).isEqualTo("--runtime-socket");
    }

    @Test
    void theEngineVariableComesNext() {
        assertThat(EngineSocketDiscovery.discover(
                                PODMAN,
                                Optional.empty(),
                                Map.of("CONTAINER_HOST", "unix:///from/env.sock", "DOCKER_HOST", "unix:///no.sock"),
                                existing())
                        .socket())
                .isEqualTo(Path.of("/from/env.sock"));
        assertThat(EngineSocketDiscovery.discover(
                                DOCKER, Optional.empty(), Map.of("DOCKER_HOST", "/plain/path.sock"), existing())
                        .socket())
                .isEqualTo(Path.of("/plain/path.sock"));
    }

    @Test
    void theRootlessSocketIsPreferredOverTheSystemOneWhenItExists() {
        var found = EngineSocketDiscovery.discover(
                PODMAN,
                Optional.empty(),
                ROOTLESS_SESSION,
                existing("/run/user/1001/podman/podman.sock", "/run/podman/podman.sock"));

        assertThat(found.socket()).isEqualTo(Path.of("/run/user/1001/podman/podman.sock"));
        assertThat(found.source()).contains("rootless");
    }

    @Test
    void theSystemSocketIsUsedWhenNoRootlessOneExists() {
        assertThat(EngineSocketDiscovery.discover(
                                PODMAN, Optional.empty(), ROOTLESS_SESSION, existing("/run/podman/podman.sock"))
                        .socket())
                .isEqualTo(Path.of("/run/podman/podman.sock"));
        assertThat(EngineSocketDiscovery.discover(DOCKER, Optional.empty(), Map.of(), existing("/var/run/docker.sock"))
                        .socket())
                .isEqualTo(Path.of("/var/run/docker.sock"));
    }

    @Test
    void whenNothingExistsTheDefaultIsNamedWithEverythingTried() {
        var found = EngineSocketDiscovery.discover(PODMAN, Optional.empty(), ROOTLESS_SESSION, existing());

        assertThat(found.socket()).isEqualTo(Path.of("/run/podman/podman.sock"));
        assertThat(found.source()).contains("not found");
        assertThat(found.tried())
                .containsExactly(Path.of("/run/user/1001/podman/podman.sock"), Path.of("/run/podman/podman.sock"));
    }

    @Test
    void aTcpAddressIsRejectedWithTheFix() {
        assertThatThrownBy(() -> EngineSocketDiscovery.discover(
                        DOCKER, Optional.empty(), Map.of("DOCKER_HOST", "tcp://10.0.0.1:2375"), existing()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DOCKER_HOST must be a Unix socket")
                .hasMessageContaining("tcp://10.0.0.1:2375");
    }

    private static Predicate<Path> existing(String... paths) {
        Set<Path> existing = java.util.Arrays.stream(paths).map(Path::of).collect(java.util.stream.Collectors.toSet());
        return existing::contains;
    }
}
