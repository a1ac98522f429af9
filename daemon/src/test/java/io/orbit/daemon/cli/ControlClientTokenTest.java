package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.daemon.api.ApiToken;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API token leaves the CLI only for an {@code --api-address} typed on its command line. A local user who binds
 * the default address while the daemon is down (here: a listener on a free loopback port, named as the default
 * through {@code orbit.yaml}) must receive no connection at all; the same listener named with the flag gets the
 * token, which shows the gate is exactly the flag.
 */
class ControlClientTokenTest {

    @TempDir
    Path work;

    private ServerSocket squatter;
    private Path token;
    private Path missingSocket;

    @BeforeEach
    void listenWhereTheDaemonShouldBe() throws Exception {
        squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        token = Files.writeString(work.resolve("token"), "s3cret\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        missingSocket = work.resolve("run/orbit.sock");
    }

    @AfterEach
    void close() throws Exception {
        squatter.close();
    }

    @Test
    void aChangeOverAMissingSocketSaysSoAndConnectsNowhereWhenTheAddressWasNotGiven() throws Exception {
        try (ControlClient client =
                new ControlClient(Optional.of(missingSocket), address(), Optional.of(ApiToken.read(token)), false)) {
            assertThatThrownBy(() -> client.post("/services/web/scale", ControlClient.scaleBody(3)))
                    .isInstanceOfSatisfying(CommandFailure.class, failure -> {
                        assertThat(failure.getMessage())
                                .contains("cannot reach the daemon's control socket " + missingSocket)
                                .contains("no such socket file (is the daemon running")
                                .contains("the API token is not sent to 127.0.0.1:" + squatter.getLocalPort())
                                .contains("another local user could be listening there");
                        assertThat(failure.fix())
                                .contains("start the daemon")
                                .contains("--control-socket")
                                .contains("--api-address HOST:PORT --api-token FILE");
                    });
        }
        assertNoConnection();
    }

    @Test
    void theCliTakesOrbitYamlsAddressAsADefaultNotAsPermission() throws Exception {
        Path config = Files.writeString(
                work.resolve("orbit.yaml"), "api_address: 127.0.0.1:" + squatter.getLocalPort() + "\n");

        CliTest.Run run = CliTest.run(
                "scale",
                "web",
                "3",
                "--config-file",
                config.toString(),
                "--control-socket",
                missingSocket.toString(),
                "--api-token",
                token.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("orbit scale: cannot reach the daemon's control socket " + missingSocket)
                .contains("the API token is not sent to 127.0.0.1:" + squatter.getLocalPort())
                .contains("fix: start the daemon");
        assertNoConnection();
    }

    @Test
    void withTheAddressOnTheCommandLineTheTokenGoesThere() throws Exception {
        CompletableFuture<List<String>> head = CompletableFuture.supplyAsync(() -> {
            try (Socket peer = squatter.accept()) {
                peer.setSoTimeout(10_000);
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
                List<String> lines = new ArrayList<>();
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    lines.add(line);
                }
                peer.getOutputStream()
                        .write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                                .getBytes(StandardCharsets.US_ASCII));
                return lines;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        CliTest.Run run = CliTest.run(
                "scale",
                "web",
                "3",
                "--config-file",
                Files.writeString(work.resolve("empty.yaml"), "").toString(),
                "--control-socket",
                missingSocket.toString(),
                "--api-token",
                token.toString(),
                "--api-address",
                "127.0.0.1:" + squatter.getLocalPort());

        assertThat(head.get(10, TimeUnit.SECONDS))
                .contains("Authorization: Bearer s3cret")
                .anySatisfy(line -> assertThat(line).startsWith("POST /services/web/scale "));
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    private InetSocketAddress address() {
        return InetSocketAddress.createUnresolved("127.0.0.1", squatter.getLocalPort());
    }

    /** A connection the client made would wait in the backlog, so accept would return it at once. */
    private void assertNoConnection() throws Exception {
        squatter.setSoTimeout(300);
        assertThatThrownBy(() -> squatter.accept().close())
                .as("a connection to the address the token must not go to")
                .isInstanceOf(SocketTimeoutException.class);
    }
}
