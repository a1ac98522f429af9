package io.orbit.daemon.systemd;

import java.io.IOException;
import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Sends sd_notify messages to {@code $NOTIFY_SOCKET} (a Unix datagram socket; the JDK has no Unix datagrams, so
 * junixsocket). Abstract-namespace addresses ({@code @name}) are supported too.
 */
final class NotifySocket implements SystemdNotifier.Channel, AutoCloseable {

    private final AFUNIXDatagramSocket socket;
    private final AFUNIXSocketAddress address;

    private NotifySocket(AFUNIXDatagramSocket socket, AFUNIXSocketAddress address) {
        this.socket = socket;
        this.address = address;
    }

    @Override
    public String toString() {
        return "notify socket " + address;
    }

    /** The socket systemd passed, or empty when not run by systemd with {@code Type=notify}. */
    static Optional<NotifySocket> fromEnvironment(@Nullable String notifySocket) throws IOException {
        if (notifySocket == null || notifySocket.isBlank()) {
            return Optional.empty();
        }
        AFUNIXSocketAddress address = notifySocket.startsWith("@")
                ? AFUNIXSocketAddress.inAbstractNamespace(notifySocket.substring(1))
                : AFUNIXSocketAddress.of(Path.of(notifySocket));
        AFUNIXDatagramSocket socket = AFUNIXDatagramSocket.newInstance();
        socket.connect(address);
        return Optional.of(new NotifySocket(socket, address));
    }

    @Override
    public synchronized void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length));
    }

    @Override
    public void close() {
        socket.close();
    }
}
