package io.orbit.proxy.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node port's writes (BatchingSelector, BatchedEndPoint) over a real connector and socket: one asked for on the
 * selector's thread goes out after the batch, still on that thread, and one asked for elsewhere goes out at once.
 */
@Timeout(30)
class BatchedWritesTest {

    private final Server server = new Server();
    private final CompletableFuture<EchoConnection> opened = new CompletableFuture<>();
    private ProxyConnector connector;

    @BeforeEach
    void start() throws Exception {
        connector = new ProxyConnector(server, null, null, 1, new AbstractConnectionFactory("echo") {
            @Override
            public Connection newConnection(Connector connector, EndPoint endPoint) {
                EchoConnection connection = new EchoConnection(endPoint);
                opened.complete(connection);
                return connection;
            }
        });
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void aWriteAskedForOnTheSelectorThreadCompletesAfterTheBatchOnThatThread() throws Exception {
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress("127.0.0.1", connector.getLocalPort()), 5000);
            client.setSoTimeout(10_000);
            client.getOutputStream().write("ping".getBytes(US_ASCII));

            assertThat(readExactly(client.getInputStream(), 4)).isEqualTo("ping");
            EchoConnection echo = opened.get(10, TimeUnit.SECONDS);
            Written written = echo.written.get(10, TimeUnit.SECONDS);
            assertThat(written.completedInsideWrite)
                    .as("held until the selector had handled its batch of keys")
                    .isFalse();
            assertThat(written.completedOn)
                    .as("sent by the selector's own thread, the one that asked")
                    .isSameAs(written.askedOn);
            assertThat(connector.getSelectorManager().getBean(BatchingSelector.class))
                    .isNotNull();
        }
    }

    @Test
    void aWriteAskedForOnAnotherThreadGoesOutAtOnce() throws Exception {
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress("127.0.0.1", connector.getLocalPort()), 5000);
            client.setSoTimeout(10_000);
            EchoConnection echo = opened.get(10, TimeUnit.SECONDS);

            Thread asking = Thread.currentThread();
            boolean[] completed = new boolean[1];
            echo.getEndPoint()
                    .write(Callback.from(() -> completed[0] = Thread.currentThread() == asking), ascii("pong"));

            assertThat(completed[0])
                    .as("a small write on another thread completes inside the call")
                    .isTrue();
            assertThat(readExactly(client.getInputStream(), 4)).isEqualTo("pong");
        }
    }

    @Test
    void aWriteTheSelectorHeldFailsItsCallbackWhenTheConnectionClosedMeanwhile() throws Exception {
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress("127.0.0.1", connector.getLocalPort()), 5000);
            EchoConnection echo = opened.get(10, TimeUnit.SECONDS);
            echo.closeBeforeTheBatchEnds = true;
            client.getOutputStream().write("ping".getBytes(US_ASCII));

            Written written = echo.written.get(10, TimeUnit.SECONDS);
            assertThat(written.failure)
                    .as("the held write of a closed endpoint fails: its owner hears of it")
                    .isNotNull();
        }
    }

    private static ByteBuffer ascii(String text) {
        return BufferUtil.toBuffer(text, US_ASCII);
    }

    private static String readExactly(InputStream in, int length) throws Exception {
        return new String(in.readNBytes(length), US_ASCII);
    }

    private record Written(Thread askedOn, boolean completedInsideWrite, Thread completedOn, Throwable failure) {}

    /** Echoes what it reads, once, from the selector's thread (a non-blocking read callback, as the proxy's). */
    private static final class EchoConnection extends AbstractConnection {

        final CompletableFuture<Written> written = new CompletableFuture<>();
        volatile boolean closeBeforeTheBatchEnds;
        private final ByteBuffer input = BufferUtil.allocate(64);
        private final Callback onReadable = new NonBlockingCallback(this::readAndEcho, failure -> {});

        EchoConnection(EndPoint endPoint) {
            super(endPoint, Runnable::run);
        }

        @Override
        public void onOpen() {
            super.onOpen();
            getEndPoint().fillInterested(onReadable);
        }

        @Override
        public void onFillable() {
            // reads go through onReadable
        }

        private void readAndEcho() {
            try {
                if (getEndPoint().fill(input) <= 0) {
                    getEndPoint().fillInterested(onReadable);
                    return;
                }
            } catch (Exception e) {
                written.completeExceptionally(e);
                return;
            }
            Thread askedOn = Thread.currentThread();
            boolean[] insideWrite = {true};
            getEndPoint()
                    .write(
                            new NonBlockingCallback(
                                    () -> written.complete(
                                            new Written(askedOn, insideWrite[0], Thread.currentThread(), null)),
                                    failure -> written.complete(
                                            new Written(askedOn, insideWrite[0], Thread.currentThread(), failure))),
                            input);
            insideWrite[0] = false;
            if (closeBeforeTheBatchEnds) {
                getEndPoint().close();
            }
        }
    }
}
