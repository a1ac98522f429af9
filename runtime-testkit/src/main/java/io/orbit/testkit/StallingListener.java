package io.orbit.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener on 127.0.0.1 that accepts every connection and never answers: a registry that hangs (for the
 * stalled-pull tests). Connections stay open until {@link #close}; at most {@link #MAX_HELD} are held, later ones are
 * closed on accept (still counted).
 */
public final class StallingListener implements AutoCloseable {

    public static final int MAX_HELD = 256;

    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    private StallingListener(ServerSocket server) {
        this.server = server;
        Thread.ofPlatform().daemon().name("stalling-listener").start(this::accept);
    }

    public static StallingListener start() throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new StallingListener(server);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far (each one a try of the engine to reach the "registry"). */
    public int accepted() {
        return accepted.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                if (held.size() < MAX_HELD) {
                    held.add(socket);
                } else {
                    socket.close();
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : held) {
            socket.close();
        }
        held.clear();
    }
}
