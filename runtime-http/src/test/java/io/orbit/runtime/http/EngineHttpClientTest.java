package io.orbit.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.runtime.RuntimeUnavailableException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

class EngineHttpClientTest {

    private static final String REMEDY = "start the engine";

    @TempDir
    Path directory;

    @Test
    void aMissingSocketIsUnavailableNamingThePathAndTheRemedy() {
        Path socket = directory.resolve("nothing.sock");
        try (EngineHttpClient client = EngineHttpClient.open(socket, REMEDY)) {
            assertThatThrownBy(() -> client.call("GET", "/_ping", null, Duration.ofSeconds(1)))
                    .isInstanceOfSatisfying(RuntimeUnavailableException.class, e -> {
                        assertThat(e.endpoint()).isEqualTo("unix://" + socket);
                        assertThat(e.getMessage()).contains(socket.toString(), "no such socket file", REMEDY);
                    });
        }
    }

    @Test
    void aSocketNobodyListensOnIsConnectionRefused() throws IOException {
        Path socket = directory.resolve("dead.sock");
        AFUNIXServerSocket server = AFUNIXServerSocket.newInstance();
        server.bind(AFUNIXSocketAddress.of(socket));
        server.setDeleteOnClose(false);
        server.close();

        try (EngineHttpClient client = EngineHttpClient.open(socket, REMEDY)) {
            assertThatThrownBy(() -> client.call("GET", "/_ping", null, Duration.ofSeconds(1)))
                    .isInstanceOf(RuntimeUnavailableException.class)
                    .hasMessageContaining("connection refused");
        }
    }

    @Test
    void aSlowEngineIsUnavailableAfterTheResponseTimeout() throws IOException {
        Path socket = directory.resolve("slow.sock");
        try (FakeEngineServer server = new FakeEngineServer(socket, (line, connection, out) -> {
                    sleep(Duration.ofSeconds(2));
                    return false;
                });
                EngineHttpClient client = EngineHttpClient.open(socket, REMEDY)) {
            assertThatThrownBy(() -> client.call("GET", "/slow", null, Duration.ofMillis(200)))
                    .isInstanceOfSatisfying(
                            RuntimeUnavailableException.class,
                            e -> assertThat(e.getCause()).isInstanceOf(java.net.SocketTimeoutException.class))
                    .hasMessageContaining("GET /slow got no answer within 200 ms");
        }
    }

    @Test
    void jsonBodiesAndStatusesPassThroughAndConnectionsAreReused() throws IOException {
        Path socket = directory.resolve("engine.sock");
        try (FakeEngineServer server = new FakeEngineServer(socket, (line, connection, out) -> {
                    if (line.startsWith("GET /missing")) {
                        FakeEngineServer.writeJson(out, 404, "{\"message\":\"no such container: x\"}");
                    } else {
                        FakeEngineServer.writeJson(out, 200, "{\"Version\":\"4.3.1\"}");
                    }
                    return true;
                });
                EngineHttpClient client = EngineHttpClient.open(socket, REMEDY)) {
            for (int i = 0; i < 20; i++) {
                EngineResponse version = client.call("POST", "/version", Map.of("a", 1), Duration.ofSeconds(5));
                assertThat(version.status()).isEqualTo(200);
                assertThat(version.json().path("Version").asText()).isEqualTo("4.3.1");
            }
            EngineResponse missing = client.call("GET", "/missing", null, Duration.ofSeconds(5));

            assertThat(missing.isSuccess()).isFalse();
            assertThat(missing.errorMessage()).isEqualTo("no such container: x");
            assertThat(server.connectionsAccepted())
                    .as("keep-alive reuses one connection")
                    .isEqualTo(1);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
