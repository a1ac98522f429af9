package io.orbit.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlSocketTest {

    @TempDir
    Path directory;

    @Test
    void rootUsesTheSystemDirectoryOthersTheirRuntimeDirectoryFirst() {
        Map<String, String> environment = Map.of("XDG_RUNTIME_DIR", "/run/user/1001");

        assertThat(ControlSocket.candidates("default", environment, true))
                .containsExactly(Path.of("/run/orbit/orbit.sock"));
        assertThat(ControlSocket.candidates("default", environment, false))
                .containsExactly(Path.of("/run/user/1001/orbit/orbit.sock"), Path.of("/run/orbit/orbit.sock"));
        assertThat(ControlSocket.candidates("blue", Map.of(), false))
                .containsExactly(Path.of("/run/orbit/orbit-blue.sock"));
    }

    @Test
    void preparingCreatesAPrivateDirectory() throws IOException {
        Path socket = directory.resolve("run/orbit/orbit.sock");

        ControlSocket.prepare(socket, Optional.empty());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void aSocketNothingAnswersOnIsRemovedAndALiveOneIsRefused() throws IOException {
        Path socket = directory.resolve("orbit.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(socket));

            assertThatThrownBy(() -> ControlSocket.prepare(socket, Optional.empty()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another orbit daemon already listens")
                    .hasMessageContaining("--control-socket");
        }
        assertThat(socket).exists();

        ControlSocket.prepare(socket, Optional.empty());

        assertThat(socket).doesNotExist();
    }

    @Test
    void aFileThatIsNotASocketIsLeftAloneAndRefused() throws IOException {
        Path file = Files.writeString(directory.resolve("orbit.sock"), "precious");

        assertThatThrownBy(() -> ControlSocket.prepare(file, Optional.empty())).hasMessageContaining("not a socket");
        assertThat(file).hasContent("precious");
    }

    @Test
    void restrictingGivesTheSocketItsModeAndGroup() throws IOException {
        Path socket = directory.resolve("orbit.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(socket));

            ControlSocket.restrict(socket, Optional.empty());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                    .isEqualTo("rw-------");

            String group = Files.readAttributes(socket, java.nio.file.attribute.PosixFileAttributes.class)
                    .group()
                    .getName();
            ControlSocket.restrict(socket, Optional.of(group));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                    .isEqualTo("rw-rw----");
            assertThatThrownBy(() -> ControlSocket.restrict(socket, Optional.of("no-such-group-orbit")))
                    .hasMessageContaining("groupadd no-such-group-orbit");
        }
    }
}
