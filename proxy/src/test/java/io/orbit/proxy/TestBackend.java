package io.orbit.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.orbit.engine.routing.Backend;
import io.orbit.engine.routing.Route;
import io.orbit.engine.routing.RouteTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * A real HTTP backend on 127.0.0.1 for integration tests: answers its name (and {@code X-Backend}), echoes the length
 * of a POST body, serves {@code /health} with a settable status and can be slowed down or killed. Its static helpers
 * are what the proxy's integration tests share: a proxy routed to backends, a raw upgrade backend, waits.
 */
final class TestBackend implements AutoCloseable {

    /** A TCP health check quick enough that a live backend is ready within a second. */
    static final Route.HealthCheck FAST_TCP = new Route.HealthCheck(
            Optional.empty(), 200, 399, Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofMillis(500), 2, 1);

    final String name;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger posts = new AtomicInteger();
    volatile Duration delay = Duration.ZERO;
    volatile int healthStatus = 200;
    /** Answers {@code Connection: close}: every request through the proxy then opens a new connection to it. */
    volatile boolean closeAfterResponse;

    private volatile boolean killed;
    private final Server server;
    private final ServerConnector connector;
    /** Every connection the backend accepted and may still hold open; guarded by itself, with {@link #killed}. */
    private final Set<SocketChannel> accepted = new HashSet<>();

    private TestBackend(String name, int port) throws Exception {
        this.name = name;
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("backend-" + name);
        server = new Server(pool);
        // No acceptor thread (acceptors 0): the selector accepts, non-blocking. Jetty's stop interrupts a blocking
        // acceptor, and an accept the interrupt lands on loses its socket (ClosedByInterruptException): the kernel
        // connection stays established with the proxy's request unread, never seen by configure() nor closed — a
        // hang a killed process never causes (ProxyServerIT.aBackendKilledAsTheProxyConnectsCostsNoGet, 4 of 4 runs
        // with one acceptor, 0 of 4 without).
        connector = new ServerConnector(server, 0, 1) {
            @Override
            protected void configure(Socket socket) {
                super.configure(socket);
                track(socket.getChannel());
            }
        };
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (killed) {
                    // A dead process answers nothing: drop the connection instead of letting Jetty render a 500.
                    request.getConnectionMetaData()
                            .getConnection()
                            .getEndPoint()
                            .close();
                    callback.failed(new IOException("backend " + TestBackend.this.name + " killed"));
                    return true;
                }
                if ("/health".equals(Request.getPathInContext(request))) {
                    response.setStatus(healthStatus);
                    Content.Sink.write(response, true, "", callback);
                    return true;
                }
                requests.incrementAndGet();
                Duration pause = delay;
                if (!pause.isZero()) {
                    Thread.sleep(pause.toMillis());
                }
                response.getHeaders().put("X-Backend", TestBackend.this.name);
                if (closeAfterResponse) {
                    response.getHeaders().put("Connection", "close");
                }
                if ("/stream".equals(Request.getPathInContext(request))) {
                    // No length: Jetty answers chunked to HTTP/1.1.
                    try (java.io.OutputStream out = Content.Sink.asOutputStream(response)) {
                        out.write("part1-".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.flush();
                        out.write("part2".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    }
                    callback.succeeded();
                    return true;
                }
                if ("POST".equals(request.getMethod())) {
                    posts.incrementAndGet();
                    String body = Content.Source.asString(request);
                    Content.Sink.write(response, true, TestBackend.this.name + ":" + body.length(), callback);
                    return true;
                }
                Content.Sink.write(response, true, TestBackend.this.name, callback);
                return true;
            }
        });
        server.setStopTimeout(0);
        server.start();
    }

    static TestBackend start(String name) throws Exception {
        return new TestBackend(name, 0);
    }

    static TestBackend start(String name, int port) throws Exception {
        return new TestBackend(name, port);
    }

    int port() {
        return connector.getLocalPort();
    }

    /** This backend as a route names it: id {@code name:80}. */
    Backend asBackend() {
        return new Backend(name + ":80", name, "127.0.0.1", port());
    }

    /**
     * Dies like a killed process: no new connections, every open one closed without a response. A plain
     * {@code stop()} is graceful instead and lets Jetty answer a request it is still parsing with its own 500 page.
     *
     * <p>The sockets are closed here, not only through Jetty's endpoints, and shut down first: the JDK defers the close
     * of a channel registered with a selector until that selector runs again, which it may never do once the server
     * stops; a killed process's kernel resets every socket at once.
     */
    void kill() throws Exception {
        synchronized (accepted) {
            killed = true;
            accepted.forEach(TestBackend::closeQuietly);
            accepted.clear();
        }
        connector.close();
        for (EndPoint endPoint : connector.getConnectedEndPoints()) {
            endPoint.close();
        }
        server.stop();
    }

    /** Keeps an accepted connection for {@link #kill}, or closes it at once when the backend is already dead. */
    private void track(SocketChannel channel) {
        synchronized (accepted) {
            if (killed) {
                closeQuietly(channel);
                return;
            }
            accepted.removeIf(open -> !open.isOpen());
            accepted.add(channel);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.shutdownInput();
            channel.shutdownOutput();
        } catch (IOException e) {
            // not connected any more
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing a dead backend's socket: nothing to do
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /**
     * Starts a proxy on 127.0.0.1 with one route "web" (checked by {@link #FAST_TCP}) per listener port, each to its
     * one backend, and returns once every backend is ready.
     */
    static ProxyServer startProxy(ProxyOptions options, MeterRegistry registry, Map<Integer, Backend> backendByPort)
            throws Exception {
        ProxyServer proxy = new ProxyServer(options.withBindHost("127.0.0.1"), registry);
        proxy.start();
        Map<Integer, Route> routes = new java.util.HashMap<>();
        backendByPort.forEach((port, backend) ->
                routes.put(port, new Route("web", port, 80, List.of(backend), FAST_TCP, Optional.empty())));
        proxy.publish(new RouteTable(1, routes));
        for (Backend backend : backendByPort.values()) {
            awaitReady(proxy, backend.id());
        }
        return proxy;
    }

    /** A test's teardown: the proxy first (if it started), so that nothing forwards to them, then the rest in order. */
    static void closeAll(@Nullable ProxyServer proxy, List<? extends AutoCloseable> closeables) throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    static void awaitReady(ProxyServer proxy, String backendId) {
        await(
                () -> proxy.backend(backendId)
                        .map(b -> b.isReady(System.nanoTime()))
                        .orElse(false),
                "backend " + backendId + " ready");
    }

    /** Polls {@code condition} (Awaitility, on this thread) until it holds; fails after 10 s naming {@code what}. */
    static void await(BooleanSupplier condition, String what) {
        Awaitility.await(what)
                .atMost(Duration.ofSeconds(10))
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .until(condition::getAsBoolean);
    }

    /** What a raw backend does with one accepted connection (closed after it returns). */
    interface ConnectionHandler {
        void handle(Socket socket) throws IOException;
    }

    /**
     * Serves {@code server}'s connections one at a time with {@code handler}, on a virtual thread, until the server
     * closes; a connection that fails only ends itself.
     */
    static Thread serveEach(ServerSocket server, ConnectionHandler handler) {
        return Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    handler.handle(socket);
                } catch (IOException e) {
                    // this connection failed, or the server closed: the loop's condition tells them apart
                }
            }
        });
    }

    /**
     * Makes {@code server} a raw WebSocket echo backend until it closes: every connection it accepts gets 101 to its
     * upgrade, then its bytes echoed until the test closes its side.
     */
    static void serveUpgrades(ServerSocket server) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread.ofVirtual().start(() -> serveUpgrade(socket));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static void serveUpgrade(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            String head = RawHttp.readHead(in);
            if (head.isEmpty()) {
                return;
            }
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] buffer = new byte[1024];
            int read;
            while ((read = in.read(buffer)) > 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // the test closed its side
        }
    }
}
