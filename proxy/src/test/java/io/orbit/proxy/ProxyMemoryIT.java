package io.orbit.proxy;

import static io.orbit.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orbit.engine.routing.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a connection costs in memory, on real loopback sockets: a silent connection and an idle keep-alive connection
 * hold no input buffer (the JVM's direct memory, read through its {@code BufferPoolMXBean}, barely moves for thousands
 * of them), and a proxy whose buffer pool is exhausted closes the one connection that needed a buffer — counted,
 * without blocking its selector — while its other connections are answered or closed on time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyMemoryIT {

    private static final InetAddress LOCAL = InetAddress.getLoopbackAddress();
    private static final byte[] GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    /** Two requests at once: while the first is in progress, the second waits unparsed in the input buffer. */
    private static byte[] pipelined(String client) {
        return ("GET /" + client + "1 HTTP/1.1\r\nHost: x\r\n\r\nGET /" + client + "2 HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static final int SILENT = 3_000;
    private static final int KEEP_ALIVE = 300;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ProxyServer proxy;
    private int port;

    @AfterEach
    void closeAll() throws Exception {
        TestBackend.closeAll(proxy, closeables.reversed());
    }

    private Backend testBackend() throws Exception {
        TestBackend testBackend = TestBackend.start("a");
        closeables.add(testBackend);
        return testBackend.asBackend();
    }

    private void startProxy(ProxyOptions options, Backend backend) throws Exception {
        port = TestBackend.freePort();
        proxy = TestBackend.startProxy(options, registry, Map.of(port, backend));
    }

    @Test
    void silentAndIdleKeepAliveConnectionsHoldNoInputBuffer() throws Exception {
        // Long enough head and idle timeouts that nothing closes during the test; one address may hold all of them.
        startProxy(
                ProxyOptions.defaults()
                        .withTimeouts(
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(10),
                                Duration.ofSeconds(30),
                                Duration.ofSeconds(30),
                                Duration.ofSeconds(30))
                        .withMaxConnectionsPerClient(10_000),
                testBackend());
        // Warm up: the pool's first buffers, the JDK's per-thread temporary buffers of both sides.
        for (int i = 0; i < 20; i++) {
            assertThat(get()).as("warm-up GET " + i).startsWith("HTTP/1.1 200");
        }
        long before = directMemoryUsed();

        List<SocketChannel> silent = new ArrayList<>();
        for (int i = 0; i < SILENT; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress(LOCAL, port));
            closeables.add(channel);
            silent.add(channel);
            if (i % 500 == 0) {
                assertThat(get()).as("a GET among the silent connections").startsWith("HTTP/1.1 200");
            }
        }
        List<Socket> keepAlive = new ArrayList<>();
        for (int i = 0; i < KEEP_ALIVE; i++) {
            Socket socket = new Socket(LOCAL, port);
            closeables.add(socket);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(GET);
            assertThat(RawHttp.headAndBody(socket.getInputStream()))
                    .as("keep-alive client " + i)
                    .startsWith("HTTP/1.1 200");
            keepAlive.add(socket);
        }
        int open = SILENT + KEEP_ALIVE;
        await(() -> connections() == open && idle() == open, open + " connections open and idle");
        assertThat(get()).as("a new client while they are held").startsWith("HTTP/1.1 200");

        long grown = directMemoryUsed() - before;
        // Each used to hold 16 KiB of direct memory for its whole life (here about 53 MB); now none holds any.
        assertThat(grown)
                .as("direct memory grown for %d silent and %d idle keep-alive connections", SILENT, KEEP_ALIVE)
                .isLessThan(open * 1024L);

        // And they are still live connections: an idle keep-alive one takes its next request.
        Socket again = keepAlive.getFirst();
        again.getOutputStream().write(GET);
        assertThat(RawHttp.headAndBody(again.getInputStream())).startsWith("HTTP/1.1 200");
        assertThat(RawHttp.probe(silent.getLast()))
                .as("a silent connection still open")
                .isZero();
    }

    @Test
    void anExhaustedBufferPoolClosesTheConnectionThatNeedsOneAndBlocksNothing() throws Exception {
        HeldBackend backend = new HeldBackend();
        closeables.add(backend);
        // Room for two input buffers; a silent connection's head timeout (3 s) shows that the selector still closes.
        startProxy(
                ProxyOptions.defaults()
                        .withTimeouts(
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(20),
                                Duration.ofSeconds(30),
                                Duration.ofSeconds(3),
                                Duration.ofSeconds(30))
                        .withBufferMemory(2 * (16 * 1024 + 1), 0),
                new Backend("a:80", "a", "127.0.0.1", backend.port()));
        SocketChannel silent = SocketChannel.open(new InetSocketAddress(LOCAL, port));
        closeables.add(silent);
        long silentOpened = System.nanoTime();

        // Two clients each pipeline two GETs to a backend that holds its answers: the first goes upstream, the second
        // waits unparsed in the client's input buffer. Both buffers of the pool are held.
        Socket first = client();
        Socket second = client();
        first.getOutputStream().write(pipelined("a"));
        second.getOutputStream().write(pipelined("b"));
        await(() -> backend.requests() == 2, "both first requests at the backend");

        // A third client's request needs a buffer: its connection is closed at once, and counted.
        Socket third = client();
        long sent = System.nanoTime();
        third.getOutputStream().write(GET);
        assertThat(RawHttp.headAndBody(third.getInputStream()))
                .as("the third client's answer")
                .isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(2));
        assertThat(bufferLimitRejections()).isEqualTo(1.0);

        // Meanwhile the selector keeps its timers: the silent connection is closed by its head timeout, on time.
        await(() -> RawHttp.probe(silent) < 0, "the silent connection closed by its head timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - silentOpened)).isLessThan(Duration.ofSeconds(8));

        // The backend answers the first client: its upstream connection needs a buffer too, there is none, so that
        // client's connection is closed (counted), which gives its input buffer back.
        backend.answer('a');
        assertThat(RawHttp.headAndBody(first.getInputStream()))
                .as("the first client: closed, not answered")
                .isEmpty();
        await(() -> bufferLimitRejections() == 2.0, "the first client's rejection counted");
        // With that buffer the second client's exchanges complete, and a new client is served.
        backend.answer('b');
        assertThat(RawHttp.headAndBody(second.getInputStream()))
                .as("second client, request 1")
                .startsWith("HTTP/1.1 200");
        assertThat(RawHttp.headAndBody(second.getInputStream()))
                .as("second client, request 2")
                .startsWith("HTTP/1.1 200");
        assertThat(get()).as("a new client").startsWith("HTTP/1.1 200");
        assertThat(bufferLimitRejections()).isEqualTo(2.0);
    }

    /**
     * A backend that reads request heads and answers one for target {@code /<client>…} only once {@link #answer} was
     * called for that client (requests to other targets are answered at once).
     */
    private static final class HeldBackend implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, LOCAL);
        private final Map<Character, CountDownLatch> answers =
                Map.of('a', new CountDownLatch(1), 'b', new CountDownLatch(1));
        private final AtomicInteger requests = new AtomicInteger();
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        HeldBackend() throws IOException {
            Thread.ofVirtual().name("held-backend").start(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        int requests() {
            return requests.get();
        }

        void answer(char client) {
            answers.get(client).countDown();
        }

        private void accept() {
            try {
                while (true) {
                    Socket socket = server.accept();
                    accepted.add(socket);
                    Thread.ofVirtual().start(() -> serve(socket));
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void serve(Socket socket) {
            try (socket) {
                InputStream in = socket.getInputStream();
                while (true) {
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            return; // a health probe, or the proxy closed it
                        }
                        head.append((char) b);
                    }
                    requests.incrementAndGet();
                    CountDownLatch answer = answers.get(head.charAt(5));
                    if (answer != null && !answer.await(20, TimeUnit.SECONDS)) {
                        return;
                    }
                    socket.getOutputStream()
                            .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                    .getBytes(StandardCharsets.ISO_8859_1));
                }
            } catch (IOException | InterruptedException e) {
                // closed
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    private Socket client() throws IOException {
        Socket socket = new Socket(LOCAL, port);
        closeables.add(socket);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private String get() throws IOException {
        try (Socket socket = new Socket(LOCAL, port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(GET);
            return RawHttp.headAndBody(socket.getInputStream());
        }
    }

    private int connections() {
        return proxy.connectionsPerPort().getOrDefault(port, 0);
    }

    private int idle() {
        return proxy.idleConnectionsPerPort().getOrDefault(port, 0);
    }

    private double bufferLimitRejections() {
        var counter = registry.find("orbit.proxy.connections.rejected")
                .tags("reason", "buffer_limit")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static long directMemoryUsed() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                return pool.getMemoryUsed();
            }
        }
        throw new AssertionError("no direct BufferPoolMXBean");
    }
}
