package io.orbit.proxy;

import static io.orbit.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orbit.engine.routing.Backend;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connection limits on real loopback sockets, with a listener limit of 50 so that filling it is quick: at the
 * limit a new client is served and the least recently idle connection is the one closed; a connection with a request
 * in progress (partial head, body in flight, upgraded tunnel) is never closed for it; with nothing idle the new one is
 * refused; one address over its own limit is refused while another address is served.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionLimitsIT {

    private static final int LIMIT = 50;
    private static final InetAddress LOCAL = InetAddress.getLoopbackAddress();
    private static final byte[] GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ProxyServer proxy;
    private int port;

    @AfterEach
    void closeAll() throws Exception {
        TestBackend.closeAll(proxy, closeables.reversed());
    }

    /** Head and idle timeouts of 10 s: nothing in these tests may close by timeout. */
    private static ProxyOptions options() {
        return ProxyOptions.defaults()
                .withTimeouts(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(5))
                .withMaxConnectionsPerListener(LIMIT);
    }

    private void startProxy(ProxyOptions options, Backend backend) throws Exception {
        port = TestBackend.freePort();
        proxy = TestBackend.startProxy(options, registry, Map.of(port, backend));
    }

    private Backend testBackend() throws Exception {
        TestBackend backend = TestBackend.start("a");
        closeables.add(backend);
        return backend.asBackend();
    }

    private int connections() {
        return proxy.connectionsPerPort().getOrDefault(port, 0);
    }

    private int idle() {
        return proxy.idleConnectionsPerPort().getOrDefault(port, 0);
    }

    /**
     * A silent connection from {@code source} that the proxy has counted and opened (it is then in the idle list), so
     * that connections become idle in a known order.
     */
    private SocketChannel open(InetAddress source) throws IOException {
        int before = connections();
        int idleBefore = idle();
        SocketChannel channel = SocketChannel.open();
        closeables.add(channel);
        channel.bind(new InetSocketAddress(source, 0));
        channel.connect(new InetSocketAddress(LOCAL, port));
        channel.configureBlocking(false);
        await(
                () -> connections() == before + 1 && idle() == idleBefore + 1,
                "connection " + (before + 1) + " counted and idle");
        return channel;
    }

    /**
     * Plain sockets that each send {@code partial} once all are open: connections with a request in progress. (Counted
     * is not opened: the limits count a connection on accept, it joins the idle list when it opens, and only then
     * reads. Waiting for them all to be idle first, then for none to be, leaves no window.)
     */
    private List<Socket> midRequest(int count, String partial) throws IOException {
        int idleBefore = idle();
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket(LOCAL, port);
            closeables.add(socket);
            socket.setSoTimeout(5_000);
            sockets.add(socket);
        }
        await(() -> idle() == idleBefore + count, count + " connections open");
        for (Socket socket : sockets) {
            socket.getOutputStream().write(partial.getBytes(StandardCharsets.ISO_8859_1));
        }
        await(() -> idle() == idleBefore, count + " connections reading their requests");
        return sockets;
    }

    private List<SocketChannel> openSilent(int count) throws IOException {
        List<SocketChannel> silent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            silent.add(open(LOCAL));
        }
        return silent;
    }

    /** A new client that sends a GET, reads the response and keeps its connection (idle after the response). */
    private Socket heldClient(byte[] request) throws IOException {
        Socket socket = new Socket(LOCAL, port);
        closeables.add(socket);
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(request);
        String response = RawHttp.headAndBody(socket.getInputStream());
        assertThat(response).as("response to a held client").startsWith("HTTP/1.1 ");
        return socket;
    }

    /** A client from {@code source} that sends a GET, reads the response ("" when closed at once), then closes. */
    private String get(InetAddress source) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(5_000);
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(LOCAL, port), 5_000);
            socket.getOutputStream().write(GET);
            return RawHttp.headAndBody(socket.getInputStream());
        }
    }

    private static void awaitClosed(SocketChannel channel, String what) {
        await(() -> RawHttp.probe(channel) < 0, what + " closed by the proxy");
    }

    private static List<Integer> openOnes(List<SocketChannel> channels) {
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < channels.size(); i++) {
            if (RawHttp.probe(channels.get(i)) == 0) {
                open.add(i);
            }
        }
        return open;
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void atTheLimitANewClientIsServedAndTheOldestSilentConnectionIsClosed() throws Exception {
        startProxy(options(), testBackend());
        List<SocketChannel> silent = openSilent(LIMIT);
        assertThat(connections()).isEqualTo(LIMIT);
        assertThat(idle()).isEqualTo(LIMIT);

        for (int client = 0; client < 3; client++) {
            // Each client keeps its connection, so the listener stays at the limit for the next one.
            heldClient(GET);
            awaitClosed(silent.get(client), "silent connection " + client);
            // Exactly the oldest ones went: every younger silent connection is still open.
            List<Integer> expected = new ArrayList<>();
            for (int i = client + 1; i < LIMIT; i++) {
                expected.add(i);
            }
            assertThat(openOnes(silent)).isEqualTo(expected);
        }
        assertThat(counter("orbit.proxy.connections.evicted")).isEqualTo(3);
        assertThat(counter("orbit.proxy.connections.rejected", "reason", "listener_limit"))
                .isZero();
        assertThat(connections()).isEqualTo(LIMIT);
    }

    @Test
    void aKeepAliveClientBetweenRequestsIsIdleAndGoesBeforeYoungerSilentOnes() throws Exception {
        startProxy(options(), testBackend());
        // The keep-alive client opens first and sends a request: after its response it is idle again, and it became
        // idle after the first silent connections opened, so it goes after them and before the younger ones.
        List<SocketChannel> older = openSilent(10);
        try (Socket keepAlive = new Socket(LOCAL, port)) {
            keepAlive.setSoTimeout(5_000);
            keepAlive.getOutputStream().write(GET);
            assertThat(RawHttp.headAndBody(keepAlive.getInputStream())).startsWith("HTTP/1.1 200 ");
            await(() -> idle() == 11, "the keep-alive client idle after its response");
            List<SocketChannel> younger = openSilent(LIMIT - 11);
            assertThat(connections()).isEqualTo(LIMIT);
            for (int client = 0; client < 10; client++) {
                heldClient(GET);
            }
            assertThat(openOnes(older)).isEmpty();
            assertThat(openOnes(younger)).hasSize(LIMIT - 11);
            heldClient(GET);
            assertThat(keepAlive.getInputStream().read())
                    .as("the keep-alive client, closed")
                    .isEqualTo(-1);
            assertThat(openOnes(younger)).hasSize(LIMIT - 11);
            heldClient(GET);
            assertThat(openOnes(younger)).as("then the younger silent ones").hasSize(LIMIT - 12);
        }
    }

    @Test
    void aConnectionWithARequestInProgressIsNeverClosedForANewOne() throws Exception {
        startProxy(options(), testBackend());
        // The two oldest connections are mid-request: one has sent half a head, the other a head and half its body.
        Socket halfHead = midRequest(1, "GET / HTTP/1.1\r\nHost: x\r\n").get(0);
        Socket halfBody = midRequest(1, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234")
                .get(0);
        OutputStream headOut = halfHead.getOutputStream();
        OutputStream bodyOut = halfBody.getOutputStream();
        List<SocketChannel> silent = openSilent(LIMIT - 2);

        List<Socket> clients = new ArrayList<>();
        for (int client = 0; client < LIMIT - 2; client++) {
            clients.add(heldClient(GET));
        }
        assertThat(openOnes(silent)).as("silent connections left").isEmpty();
        // Now the clients, idle after their responses, go first; the two mid-request connections stay.
        heldClient(GET);
        assertThat(clients.get(0).getInputStream().read())
                .as("the oldest idle client")
                .isEqualTo(-1);
        assertThat(connections()).isEqualTo(LIMIT);

        // Both finish their requests and are answered.
        headOut.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(RawHttp.headAndBody(halfHead.getInputStream())).startsWith("HTTP/1.1 200 ");
        bodyOut.write("56789".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(RawHttp.headAndBody(halfBody.getInputStream()))
                .startsWith("HTTP/1.1 200 ")
                .endsWith("a:10");
    }

    @Test
    void atTheLimitWithNothingIdleTheNewConnectionIsRefused() throws Exception {
        startProxy(options(), testBackend());
        List<Socket> busy = midRequest(LIMIT, "GET / HTTP/1.1\r\n");
        assertThat(connections()).isEqualTo(LIMIT);
        assertThat(get(LOCAL)).as("closed at once, no bytes").isEmpty();
        assertThat(counter("orbit.proxy.connections.rejected", "reason", "listener_limit"))
                .isEqualTo(1);
        assertThat(counter("orbit.proxy.connections.evicted")).isZero();
        // One of them finishes its request and keeps its connection: now idle, it makes room for the next client.
        Socket first = busy.get(0);
        first.getOutputStream().write("Host: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(RawHttp.headAndBody(first.getInputStream())).startsWith("HTTP/1.1 200 ");
        await(() -> idle() == 1, "the first idle after its response");
        assertThat(get(LOCAL)).startsWith("HTTP/1.1 200 ");
        assertThat(first.getInputStream().read())
                .as("the idle one, closed for it")
                .isEqualTo(-1);
        assertThat(counter("orbit.proxy.connections.evicted")).isEqualTo(1);
    }

    @Test
    void anUpgradedTunnelIsNeverClosedForANewOne() throws Exception {
        ServerSocket echo = new ServerSocket(0, 50, LOCAL);
        closeables.add(echo);
        TestBackend.serveUpgrades(echo);
        startProxy(options(), new Backend("ws:80", "ws", "127.0.0.1", echo.getLocalPort()));
        byte[] upgrade = ("GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (Socket tunnel = new Socket(LOCAL, port)) {
            tunnel.setSoTimeout(5_000);
            tunnel.getOutputStream().write(upgrade);
            assertThat(RawHttp.headAndBody(tunnel.getInputStream())).startsWith("HTTP/1.1 101 ");
            List<SocketChannel> silent = openSilent(LIMIT - 1);
            // Each new client becomes a tunnel too, and pushes out one silent connection.
            for (int client = 0; client < LIMIT - 1; client++) {
                assertThat(readResponseOf(heldUpgrade(upgrade))).startsWith("HTTP/1.1 101 ");
            }
            assertThat(openOnes(silent)).isEmpty();
            // Only tunnels left: nothing is idle, the next client is refused.
            assertThat(connections()).isEqualTo(LIMIT);
            try (Socket refused = new Socket(LOCAL, port)) {
                refused.setSoTimeout(5_000);
                refused.getOutputStream().write(upgrade);
                assertThat(RawHttp.headAndBody(refused.getInputStream())).isEmpty();
            }
            assertThat(idle()).isZero();
            assertThat(counter("orbit.proxy.connections.rejected", "reason", "listener_limit"))
                    .isEqualTo(1);
            tunnel.getOutputStream().write("ping".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(new String(tunnel.getInputStream().readNBytes(4), StandardCharsets.ISO_8859_1))
                    .as("the tunnel, still open")
                    .isEqualTo("ping");
        }
    }

    @Test
    void anAddressOverItsLimitIsRefusedWhileAnotherIsServed() throws Exception {
        int perClient = 5;
        startProxy(options().withMaxConnectionsPerClient(perClient), testBackend());
        InetAddress other = InetAddress.getByName("127.0.0.2");
        List<SocketChannel> mine = openSilent(perClient);

        assertThat(get(LOCAL)).as("a sixth connection from 127.0.0.1").isEmpty();
        assertThat(counter("orbit.proxy.connections.rejected", "reason", "per_client_limit"))
                .isEqualTo(1);
        assertThat(openOnes(mine)).as("its first five, untouched").hasSize(perClient);
        assertThat(get(other)).as("127.0.0.2").startsWith("HTTP/1.1 200 ");
        for (int i = 0; i < perClient; i++) {
            assertThat(get(LOCAL)).isEmpty();
        }
        assertThat(counter("orbit.proxy.connections.rejected", "reason", "per_client_limit"))
                .isEqualTo(1 + perClient);

        // A closed connection frees its slot for the same address.
        mine.get(0).close();
        await(() -> connections() == perClient - 1, "the closed connection released");
        assertThat(get(LOCAL)).startsWith("HTTP/1.1 200 ");
    }

    private Socket heldUpgrade(byte[] upgrade) throws IOException {
        Socket socket = new Socket(LOCAL, port);
        closeables.add(socket);
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(upgrade);
        return socket;
    }

    private static String readResponseOf(Socket socket) throws IOException {
        return RawHttp.headAndBody(socket.getInputStream());
    }
}
