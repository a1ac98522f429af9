package io.orbit.engine.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.spec.StatusRange;
import io.orbit.engine.state.Endpoint;
import io.orbit.runtime.testing.FakeImage;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real sockets on 127.0.0.1: what each probe kind calls a pass and a failure, and why. */
class HostProbeRunnerTest {

    private final InMemoryContainerRuntime runtime =
            new InMemoryContainerRuntime(java.time.InstantSource.system(), List.of(FakeImage.fixture()));
    private final HostProbeRunner runner = new HostProbeRunner(runtime);

    @AfterEach
    void close() {
        runtime.close();
    }

    @Test
    void tcpPassesWhenSomethingListensAndSaysRefusedOtherwise() throws IOException {
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThat(runner.run(tcp(), target(listening.getLocalPort(), false)))
                    .isEqualTo(ProbeResult.PASSED);
        }
        int closed = freePort();
        ProbeResult refused = runner.run(tcp(), target(closed, false));
        assertThat(refused.passed()).isFalse();
        assertThat(refused.detail()).contains("127.0.0.1:" + closed).containsIgnoringCase("refused");
    }

    @Test
    void throughAPortForwarderAConnectionClosedAtOnceMeansNothingListens() throws Exception {
        try (ServerSocket forwarder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket accepted = forwarder.accept()) {
                    // rootlessport: accepts, finds no listener in the container, closes
                } catch (IOException ignored) {
                    // the test ended
                }
            });
            ProbeResult result = runner.run(tcp(), target(forwarder.getLocalPort(), true));

            assertThat(result.passed()).isFalse();
            assertThat(result.detail()).contains("nothing listens on port 80 in the container");
        }
    }

    @Test
    void throughAPortForwarderAConnectionKeptOpenIsAListener() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket accepted = server.accept()) {
                    accepted.getInputStream().read(); // waits for the client, as a real server does
                } catch (IOException ignored) {
                    // the probe hung up
                }
            });

            assertThat(runner.run(tcp(), target(server.getLocalPort(), true))).isEqualTo(ProbeResult.PASSED);
        }
    }

    @Test
    void httpChecksTheStatusAgainstTheExpectedRange() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> answer(server, "HTTP/1.1 503 Service Unavailable"));
            ProbeResult result = runner.run(http(new StatusRange(200, 299)), target(server.getLocalPort(), false));
            assertThat(result.passed()).isFalse();
            assertThat(result.detail()).isEqualTo("status 503 (expected 200-299)");

            Thread.ofVirtual().start(() -> answer(server, "HTTP/1.0 204 No Content"));
            assertThat(runner.run(http(new StatusRange(200, 299)), target(server.getLocalPort(), false)))
                    .isEqualTo(ProbeResult.PASSED);
        }
    }

    @Test
    void httpToASilentServerTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProbeResult result = runner.run(
                    new Probe.Http(80, "/health", StatusRange.DEFAULT, Duration.ofMillis(200)),
                    target(silent.getLocalPort(), false));

            assertThat(result.passed()).isFalse();
            assertThat(result.detail()).isEqualTo("no response within 200ms");
        }
    }

    @Test
    void aPortTheHostCannotReachFailsWithTheReason() {
        ProbeResult result = runner.run(tcp(), new ProbeTarget("c", Map.of()));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).contains("not reachable from the host");
    }

    @Test
    void execPassesOnExitCodeZeroAndReportsTheFirstLineOfErrorOutput() {
        String id = runtime.createContainer(
                io.orbit.runtime.ContainerSpec.builder("c", FakeImage.fixture().reference())
                        .build());
        runtime.startContainer(id);
        ProbeResult failing =
                runner.run(new Probe.Exec(List.of("false"), Duration.ofSeconds(1)), new ProbeTarget(id, Map.of()));
        ProbeResult passing =
                runner.run(new Probe.Exec(List.of("true"), Duration.ofSeconds(1)), new ProbeTarget(id, Map.of()));

        assertThat(failing).isEqualTo(ProbeResult.failed("exit code 1"));
        assertThat(passing).isEqualTo(ProbeResult.PASSED);
    }

    private static Probe.Tcp tcp() {
        return new Probe.Tcp(80, Duration.ofSeconds(1));
    }

    private static Probe.Http http(StatusRange range) {
        return new Probe.Http(80, "/health", range, Duration.ofSeconds(1));
    }

    private static ProbeTarget target(int port, boolean forwarded) {
        return new ProbeTarget("c", Map.of(80, new Endpoint("127.0.0.1", port)), forwarded);
    }

    private static void answer(ServerSocket server, String statusLine) {
        try (Socket accepted = server.accept()) {
            accepted.getInputStream().read(new byte[1024]);
            OutputStream out = accepted.getOutputStream();
            out.write((statusLine + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException ignored) {
            // the probe hung up
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
