package io.orbit.proxy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A real HTTP backend on 127.0.0.1 for integration tests: answers its name (and {@code X-Backend}), echoes the length
 * of a POST body, serves {@code /health} with a settable status and can be slowed down or killed.
 */
final class TestBackend implements AutoCloseable {

    final String name;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger posts = new AtomicInteger();
    volatile Duration delay = Duration.ZERO;
    volatile int healthStatus = 200;
    private volatile boolean killed;
    private final Server server;
    private final ServerConnector connector;

    private TestBackend(String name, int port) throws Exception {
        this.name = name;
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("backend-" + name);
        server = new Server(pool);
        connector = new ServerConnector(server, 1, 1);
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

    /**
     * Dies like a killed process: no new connections, open ones closed without a response. A plain {@code stop()} is
     * graceful instead and lets Jetty answer a request it is still parsing with its own 500 page.
     */
    void kill() throws Exception {
        killed = true;
        connector.close();
        for (EndPoint endPoint : connector.getConnectedEndPoints()) {
            endPoint.close();
        }
        server.stop();
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
}
