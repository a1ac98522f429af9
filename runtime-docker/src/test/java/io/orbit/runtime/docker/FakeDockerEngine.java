package io.orbit.runtime.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A stand-in dockerd on a Unix socket that replays canned (mostly recorded) answers, so the adapter's request
 * sequences run in unit tests without an engine. Plain JDK (JEP 380) sockets: this module must not see Jetty. One
 * request per connection ({@code Connection: close}), which HttpClient handles like any server closing idle
 * connections.
 */
final class FakeDockerEngine implements AutoCloseable {

    /** What the fake answers; {@code delay} holds the answer back, to provoke client timeouts. */
    record Answer(int status, String contentType, byte[] body, Duration delay) {
        static Answer json(int status, String body) {
            return new Answer(status, "application/json", body.getBytes(StandardCharsets.UTF_8), Duration.ZERO);
        }

        static Answer raw(byte[] body) {
            return new Answer(200, "application/vnd.docker.raw-stream", body, Duration.ZERO);
        }

        Answer delayedBy(Duration delay) {
            return new Answer(status, contentType, body, delay);
        }
    }

    /** A request as received: the path includes the query, as sent (still encoded). */
    record Request(String method, String path, String body) {}

    private record Route(String method, Predicate<String> path, List<Answer> answers) {}

    private final Path socket;
    private final ServerSocketChannel server;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final Map<Route, Integer> served = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    FakeDockerEngine(Path directory) throws IOException {
        this.socket = directory.resolve("docker.sock");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.acceptor = Thread.ofPlatform().daemon().name("fake-dockerd").start(this::acceptLoop);
    }

    Path socket() {
        return socket;
    }

    /**
     * Answers requests whose method matches and whose path (with query) starts with {@code pathPrefix}, giving the
     * answers in turn and repeating the last. Later routes win over earlier ones.
     */
    FakeDockerEngine on(String method, String pathPrefix, Answer... answers) {
        routes.addFirst(new Route(method, path -> path.startsWith(pathPrefix), List.of(answers)));
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel connection = server.accept();
                Thread.ofPlatform().daemon().start(() -> serve(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(SocketChannel connection) {
        try (connection;
                InputStream in = Channels.newInputStream(connection);
                OutputStream out = Channels.newOutputStream(connection)) {
            Request request = read(in);
            requests.add(request);
            Answer answer = answerFor(request);
            Thread.sleep(answer.delay());
            String head = "HTTP/1.1 %d Fake\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                    .formatted(answer.status(), answer.contentType(), answer.body().length);
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(answer.body());
            out.flush();
        } catch (IOException | InterruptedException clientWentAway) {
            // the client timed out or the test ended: nothing to answer any more
        }
    }

    private Answer answerFor(Request request) {
        String path = request.path().replaceFirst("^/v1\\.41", "");
        for (Route route : routes) {
            if (route.method().equals(request.method()) && route.path().test(path)) {
                int turn = served.merge(route, 1, Integer::sum) - 1;
                return route.answers().get(Math.min(turn, route.answers().size() - 1));
            }
        }
        return Answer.json(404, "{\"message\":\"fake dockerd has no answer for " + path + "\"}");
    }

    private static Request read(InputStream in) throws IOException {
        String requestLine = line(in);
        int contentLength = 0;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Integer.parseInt(
                        lower.substring("content-length:".length()).strip());
            }
        }
        String body = new String(in.readNBytes(contentLength), StandardCharsets.UTF_8);
        String[] parts = requestLine.split(" ");
        return new Request(parts[0], parts[1], body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** Reads a test resource next to this class, e.g. {@code stats-one-shot-1.json}. */
    static String resource(String name) {
        try (InputStream in = FakeDockerEngine.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
        Files.deleteIfExists(socket);
    }
}
