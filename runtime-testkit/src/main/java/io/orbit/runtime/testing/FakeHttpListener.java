package io.orbit.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A real loopback listener standing in for a container's published port, so code under test can connect to an
 * in-memory container the way it connects to a real one. Answers every request with 200 and the image's body, then
 * closes the connection (HTTP/1.0 style).
 */
final class FakeHttpListener implements AutoCloseable {

    private final ServerSocket serverSocket;
    private final String body;
    private final Thread acceptor;

    private FakeHttpListener(ServerSocket serverSocket, String body, String name) {
        this.serverSocket = serverSocket;
        this.body = body;
        this.acceptor =
                Thread.ofPlatform().daemon().name("orbit-fake-port-" + name).start(this::accept);
    }

    static FakeHttpListener open(String hostIp, int port, String body, String name) throws IOException {
        ServerSocket serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName(hostIp), port));
        return new FakeHttpListener(serverSocket, body, name);
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    private void accept() {
        while (!serverSocket.isClosed()) {
            try (Socket connection = serverSocket.accept()) {
                connection.setSoTimeout(2000);
                readRequestHead(connection.getInputStream());
                byte[] payload = body.getBytes(StandardCharsets.UTF_8);
                OutputStream out = connection.getOutputStream();
                out.write(("HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + payload.length
                                + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(payload);
                out.flush();
            } catch (IOException e) {
                // a closed listener or a client that went away: keep serving until closed
            }
        }
    }

    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int next;
        while (matched < end.length && (next = in.read()) != -1) {
            matched = next == end[matched] ? matched + 1 : (next == '\r' ? 1 : 0);
        }
    }

    @Override
    public void close() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing a listener cannot fail in a way we could act on
        }
        acceptor.interrupt();
    }
}
