package io.orbit.packaging;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Plays systemd's side of sd_notify: binds the Unix datagram socket that {@code $NOTIFY_SOCKET} names and records
 * every message ({@code READY=1\nSTATUS=...}) in arrival order. The JDK has no Unix datagrams, hence junixsocket; the
 * reader is a platform thread (junixsocket rounds receive timeouts up to a second on virtual threads).
 */
final class NotifyListener implements AutoCloseable {

    private final AFUNIXDatagramSocket socket;
    private final Path path;
    private final List<String> messages = new ArrayList<>();
    private final Thread reader;
    private volatile boolean closed;

    private NotifyListener(AFUNIXDatagramSocket socket, Path path) {
        this.socket = socket;
        this.path = path;
        this.reader = Thread.ofPlatform().daemon().name("notify-listener").start(this::read);
    }

    static NotifyListener bind(Path path) throws IOException {
        Files.deleteIfExists(path);
        AFUNIXDatagramSocket socket = AFUNIXDatagramSocket.newInstance();
        socket.bind(AFUNIXSocketAddress.of(path));
        socket.setSoTimeout(200);
        return new NotifyListener(socket, path);
    }

    Path path() {
        return path;
    }

    private void read() {
        byte[] buffer = new byte[8192];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                if (!closed) {
                    record("(listener failed: " + e + ")");
                }
                return;
            }
            record(new String(packet.getData(), packet.getOffset(), packet.getLength(), StandardCharsets.UTF_8));
        }
    }

    private synchronized void record(String message) {
        messages.add(message);
        notifyAll();
    }

    synchronized List<String> messages() {
        return List.copyOf(messages);
    }

    /**
     * Waits until a message at index {@code from} or later has the line {@code line}, and returns that index. Fails at
     * once, with {@code diagnosis}, when {@code alive} turns false (the daemon exited).
     */
    int await(String line, int from, Duration timeout, Supplier<Boolean> alive, Supplier<String> diagnosis)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                for (int i = from; i < messages.size(); i++) {
                    if (messages.get(i).lines().anyMatch(line::equals)) {
                        return i;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !alive.get()) {
                    throw new AssertionError("no '%s' on %s within %s (daemon %s); messages so far: %s%n%s"
                            .formatted(
                                    line,
                                    path,
                                    timeout,
                                    alive.get() ? "running" : "exited",
                                    messages,
                                    diagnosis.get()));
                }
                wait(Math.max(1, Math.min(left / 1_000_000, 200)));
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        socket.close();
        reader.join(Duration.ofSeconds(2));
        Files.deleteIfExists(path);
    }
}
