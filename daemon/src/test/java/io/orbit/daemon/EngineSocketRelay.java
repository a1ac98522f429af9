package io.orbit.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A Unix-socket relay the test owns, in front of a shared engine socket: the daemon talks to the engine through it, so
 * the test can take the engine "away" ({@link #cut}: the socket file disappears, every open connection is closed) and
 * bring it back ({@link #restore}) without touching the engine other tests use. It can also lose one answer: the
 * request goes through to the engine, the client's connection is closed before the answer ({@link #dropAnswerTo}).
 */
final class EngineSocketRelay implements AutoCloseable {

    private static final int BUFFER = 64 * 1024;

    private final Path listen;
    private final Path upstream;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicReference<@Nullable String> dropAnswerTo = new AtomicReference<>();
    private final AtomicInteger droppedAnswers = new AtomicInteger();
    private volatile @Nullable ServerSocketChannel server;

    private EngineSocketRelay(Path listen, Path upstream) {
        this.listen = listen;
        this.upstream = upstream;
    }

    /** Listens on {@code listen}, relaying every connection to {@code upstream}. */
    static EngineSocketRelay start(Path listen, Path upstream) throws IOException {
        EngineSocketRelay relay = new EngineSocketRelay(listen, upstream);
        relay.restore();
        return relay;
    }

    Path socket() {
        return listen;
    }

    /** The engine is gone: no socket file, every connection closed (as when the engine's service stops). */
    synchronized void cut() throws IOException {
        ServerSocketChannel current = server;
        server = null;
        if (current != null) {
            current.close();
        }
        Files.deleteIfExists(listen);
        for (SocketChannel channel : open) {
            closeQuietly(channel);
        }
        open.clear();
    }

    /** The engine is back: the socket file exists again and accepts. */
    synchronized void restore() throws IOException {
        if (server != null) {
            return;
        }
        Files.deleteIfExists(listen);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(listen));
        server = channel;
        Thread.ofPlatform().daemon().name("relay-accept").start(() -> accept(channel));
    }

    /**
     * The next request whose head contains {@code marker} (e.g. {@code "/containers/create"}) reaches the engine, but
     * its client's connection is closed as soon as the answer starts: the client never hears it.
     */
    void dropAnswerTo(String marker) {
        dropAnswerTo.set(marker);
    }

    int droppedAnswers() {
        return droppedAnswers.get();
    }

    private void accept(ServerSocketChannel channel) {
        while (channel.isOpen()) {
            SocketChannel client;
            try {
                client = channel.accept();
            } catch (IOException closed) {
                return;
            }
            SocketChannel engine;
            try {
                engine = SocketChannel.open(UnixDomainSocketAddress.of(upstream));
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            open.add(client);
            open.add(engine);
            AtomicReference<Boolean> dropNext = new AtomicReference<>(false);
            Thread.ofPlatform().daemon().name("relay-up").start(() -> pipe(client, engine, dropNext, true));
            Thread.ofPlatform().daemon().name("relay-down").start(() -> pipe(engine, client, dropNext, false));
        }
    }

    /** Copies bytes one way until either side closes; then closes both. */
    private void pipe(SocketChannel from, SocketChannel to, AtomicReference<Boolean> drop, boolean request) {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                if (request) {
                    String marker = dropAnswerTo.get();
                    if (marker != null && asText(buffer).contains(marker) && dropAnswerTo.compareAndSet(marker, null)) {
                        drop.set(true);
                    }
                } else if (drop.get() && buffer.hasRemaining()) {
                    // the engine has answered: the client never hears it
                    droppedAnswers.incrementAndGet();
                    break;
                }
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException closed) {
            // one side went away: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static String asText(ByteBuffer buffer) {
        return new String(
                buffer.array(), buffer.position(), Math.min(buffer.remaining(), 4096), StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    Optional<ServerSocketChannel> server() {
        return Optional.ofNullable(server);
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
