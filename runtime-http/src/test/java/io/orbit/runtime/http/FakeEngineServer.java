package io.orbit.runtime.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * An HTTP/1.1 server on a Unix socket for transport tests: each request line goes to the handler, which writes the
 * whole response (and may close the connection to simulate an engine going away).
 */
final class FakeEngineServer implements AutoCloseable {

    /** Writes a response for a request line such as {@code GET /_ping HTTP/1.1}; returns false to close. */
    @FunctionalInterface
    interface Handler {
        boolean respond(String requestLine, int connectionNumber, OutputStream out) throws IOException;
    }

    private final AFUNIXServerSocket server;
    private final Handler handler;
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    FakeEngineServer(Path socket, Handler handler) throws IOException {
        this.server = AFUNIXServerSocket.newInstance();
        server.bind(AFUNIXSocketAddress.of(socket));
        this.handler = handler;
        this.acceptor = Thread.ofPlatform().daemon().name("fake-engine").start(this::accept);
    }

    int connectionsAccepted() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket connection = server.accept();
                int number = connections.incrementAndGet();
                Thread.ofPlatform().daemon().start(() -> serve(connection, number));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket connection, int number) {
        try (connection) {
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
            String requestLine;
            while ((requestLine = in.readLine()) != null) {
                String header;
                int contentLength = 0;
                while ((header = in.readLine()) != null && !header.isEmpty()) {
                    if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        contentLength = Integer.parseInt(
                                header.substring("content-length:".length()).strip());
                    }
                }
                in.skip(contentLength); // request bodies are not used by these tests (ISO-8859-1: 1 char = 1 byte)
                if (!handler.respond(requestLine, number, connection.getOutputStream())) {
                    return;
                }
            }
        } catch (IOException clientWentAway) {
            // the client closed the connection: nothing more to serve
        }
    }

    static void writeJson(OutputStream out, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** Starts a chunked response whose chunks the caller writes with {@link #writeChunk}. */
    static void startChunked(OutputStream out) throws IOException {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    static void writeChunk(OutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
