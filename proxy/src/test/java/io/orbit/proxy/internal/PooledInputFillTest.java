package io.orbit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.proxy.ProxyOptions;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A connection's input buffer (client or upstream side) is not back in the shared pool while a fill still writes into
 * it. Jetty's fill
 * flips the buffer back to the position it saved in a finally block, after callbacks it runs inline: at the end of the
 * stream of a lingering connection (output shut) it closes the endpoint and fails the read interest registered
 * meanwhile, and the connection closes and lets go of its buffers. A buffer back in the pool at that point was taken
 * by another connection, whose position the late flip then rewound: a request parsed twice (the fuzz IT's
 * RequestFramingFuzzIT failures: a request forwarded twice, a body read from the head).
 */
class PooledInputFillTest {

    private final ProxyOptions options = ProxyOptions.defaults();
    private final ProxyBuffers buffers = ProxyBuffers.of(options);

    /** What the fake socket's fill saw: the buffer it filled, and what another connection took from the pool. */
    private @Nullable ByteBuffer filled;

    private @Nullable ByteBuffer takenDuringFill;

    @Test
    void aBufferLetGoOfDuringAFillGoesBackToThePoolOnlyOnceTheFillReturned() throws Exception {
        ClosingEndPoint endPoint = new ClosingEndPoint();
        DownstreamConnection connection = new DownstreamConnection(listener(), endPoint);
        // A lingering close: output shut, waiting for the client's end of stream; and a read interest armed again by
        // another thread while the read callback waited for the connection's monitor.
        connection.lingering = true;
        endPoint.shutdownOutput();
        assertThat(endPoint.tryFillInterested(connection.readCallback)).isTrue();

        connection.onReadable();

        assertThat(connection.closed)
                .as("the end of stream closed the connection")
                .isTrue();
        assertThat(filled).isNotNull();
        assertThat(takenDuringFill)
                .as("the buffer being filled was in the pool before the fill returned")
                .isNotSameAs(filled);
        assertThat(buffers.input().acquire())
                .as("the buffer is back in the pool once the fill returned")
                .isSameAs(filled);
    }

    @Test
    void aFillThatLeavesTheBufferInPlaceKeepsItsBytes() throws Exception {
        ByteArrayEndPoint endPoint = new NoAddressEndPoint();
        endPoint.addInput("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        DownstreamConnection connection = new DownstreamConnection(listener(), endPoint);
        assertThat(connection.acquireInput()).isTrue();
        ByteBuffer input = connection.input;

        assertThat(connection.fillInput()).isEqualTo(27);

        assertThat(connection.input).isSameAs(input);
        assertThat(connection.filling).isNull();
        assertThat(BufferUtil.toString(connection.input)).isEqualTo("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    }

    @Test
    void anUpstreamBufferLetGoOfDuringAFillGoesBackToThePoolOnlyOnceTheFillReturned() throws Exception {
        UpstreamConnection[] upstream = new UpstreamConnection[1];
        NoAddressEndPoint endPoint = new NoAddressEndPoint() {
            @Override
            public int fill(ByteBuffer buffer) {
                filled = buffer;
                int position = BufferUtil.flipToFill(buffer);
                try {
                    // A callback run inline by the fill: the exchange's owner lets go of the upstream's buffers.
                    upstream[0].releaseBuffers(true);
                    takenDuringFill = buffers.input().acquire();
                    return -1;
                } finally {
                    BufferUtil.flipToFlush(buffer, position);
                }
            }
        };
        upstream[0] = new UpstreamConnection(endPoint, TestBackends.up("b"), listener(), null);

        assertThat(upstream[0].fillOnce()).isEqualTo(-1);

        assertThat(filled).isNotNull();
        assertThat(upstream[0].input).isSameAs(ClientConnection.NO_BUFFER);
        assertThat(takenDuringFill)
                .as("the buffer being filled was in the pool before the fill returned")
                .isNotSameAs(filled);
        assertThat(buffers.input().acquire())
                .as("the buffer is back in the pool once the fill returned")
                .isSameAs(filled);
    }

    private PortListener listener() {
        return TestBackends.listener(options, buffers);
    }

    /** A socket without an IP address: the connection counts no per-client slot. */
    private static class NoAddressEndPoint extends ByteArrayEndPoint {
        @Override
        public @Nullable SocketAddress getRemoteSocketAddress() {
            return null;
        }
    }

    /**
     * Fills like Jetty's socket end point meeting the end of the stream with the output already shut: it closes
     * inline (failing the armed read interest) between flipping the buffer to fill mode and flipping it back; meanwhile
     * another connection takes a buffer from the shared pool.
     */
    private final class ClosingEndPoint extends NoAddressEndPoint {
        @Override
        public int fill(ByteBuffer buffer) {
            filled = buffer;
            int position = BufferUtil.flipToFill(buffer);
            try {
                close();
                takenDuringFill = buffers.input().acquire();
                return -1;
            } finally {
                BufferUtil.flipToFlush(buffer, position);
            }
        }
    }
}
