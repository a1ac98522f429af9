package io.orbit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.proxy.ProxyOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A keep-alive connection serves its next request with the exchange of the last one (no allocation per request), yet
 * never hands a new request an exchange that a call still on the stack, or a later callback, may compare by identity.
 * Both sides are in-memory end points: the client's, and a pooled upstream connection's.
 */
class ExchangeReuseTest {

    private static final String REQUEST = "GET /%d HTTP/1.1\r\nHost: a\r\n\r\n";
    private static final String RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private final ProxyOptions options = ProxyOptions.defaults();
    private final ProxyBuffers buffers = ProxyBuffers.of(options);
    private final BackendState backend = TestBackends.up("b");
    private final PortListener listener = TestBackends.listener(options, buffers, backend);
    private final MemoryEndPoint upstreamEnd = new MemoryEndPoint();
    private final UpstreamConnection upstream = new UpstreamConnection(upstreamEnd, backend, listener, null);
    private final MemoryEndPoint clientEnd = new MemoryEndPoint();
    private final DownstreamConnection client = new DownstreamConnection(listener, clientEnd);

    ExchangeReuseTest() {
        assertThat(backend.releaseIdle(upstream)).isTrue();
    }

    @Test
    void keepAliveRequestsReuseOneExchange() {
        List<Exchange> used = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clientEnd.addInput(REQUEST.formatted(i));
            client.onReadable();
            assertThat(upstreamEnd.takeOutputString()).startsWith("GET /" + i + " HTTP/1.1\r\n");
            used.add(client.exchange);
            upstreamEnd.addInput(RESPONSE); // runs the upstream's read callback: the response goes to the client

            assertThat(client.exchange).as("request %d completed", i).isNull();
        }

        assertThat(clientEnd.takeOutputString()).isEqualTo(RESPONSE.repeat(3));
        assertThat(used).allSatisfy(exchange -> assertThat(exchange).isSameAs(used.get(0)));
    }

    @Test
    void aPipelinedRequestStartedWhileTheLastExchangeCompletesGetsAnotherOne() {
        clientEnd.addInput(REQUEST.formatted(1) + REQUEST.formatted(2));
        client.onReadable();
        Exchange first = client.exchange;
        assertThat(upstreamEnd.takeOutputString()).startsWith("GET /1 ");

        upstreamEnd.addInput(RESPONSE); // completes /1; completing it starts /2 from the bytes already read

        Exchange second = client.exchange;
        assertThat(second).as("/2 in progress").isNotNull().isNotSameAs(first);
        assertThat(upstreamEnd.takeOutputString()).startsWith("GET /2 ");
        upstreamEnd.addInput(RESPONSE);
        assertThat(client.exchange).isNull();

        clientEnd.addInput(REQUEST.formatted(3));
        client.onReadable();
        assertThat(client.exchange)
                .as("a fresh read reuses the exchange that completed last")
                .isSameAs(second);
        upstreamEnd.addInput(RESPONSE);
        assertThat(clientEnd.takeOutputString()).isEqualTo(RESPONSE.repeat(3));
    }

    @Test
    void anExchangeSomethingElseMayCallBackWithIsNeverReused() {
        clientEnd.addInput(REQUEST.formatted(1));
        client.onReadable();
        Exchange first = client.exchange;
        first.sharedOutsideConnection = true; // as a connect in progress or the activator's queue marks it
        upstreamEnd.addInput(RESPONSE);

        clientEnd.addInput(REQUEST.formatted(2));
        client.onReadable();

        assertThat(client.exchange).isNotNull().isNotSameAs(first);
    }

    @Test
    void startLeavesEveryFieldAsOnANewExchange() throws IllegalAccessException {
        RouteState route = listener.route();
        Exchange fresh = new Exchange(route);
        fresh.start(route, 7, "PUT", true, true, true, true, "websocket");
        Exchange reused = new Exchange(route);
        reused.start(route, 1, "HEAD", false, false, false, false, null);
        List<String> changed = new ArrayList<>();
        for (Field field : Exchange.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
                continue;
            }
            Object other = otherValue(field.getType());
            if (other != null) {
                field.set(reused, other); // every field away from what a new exchange has
                changed.add(field.getName());
            }
        }
        assertThat(changed).contains("status", "failedBackends", "sharedOutsideConnection", "phase", "hold");

        reused.start(route, 7, "PUT", true, true, true, true, "websocket");

        for (Field field : Exchange.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) && !field.isSynthetic()) {
                assertThat(field.get(reused)).as(field.getName()).isEqualTo(field.get(fresh));
            }
        }
    }

    /** A value no new exchange has in a field of this type (null where none is at hand: the field is set by start). */
    private @Nullable Object otherValue(Class<?> type) {
        if (type == boolean.class) {
            return true;
        }
        if (type == int.class) {
            return 99;
        }
        if (type == long.class) {
            return 99L;
        }
        if (type == String.class) {
            return "OTHER";
        }
        if (type == Exchange.RequestPhase.class) {
            return Exchange.RequestPhase.SENT;
        }
        if (type == java.util.Set.class) {
            return new HashSet<>(List.of(backend));
        }
        if (type == BackendState.class) {
            return backend;
        }
        if (type == UpstreamConnection.class) {
            return upstream;
        }
        if (type == Activator.Entry.class) {
            return new Activator.Entry(null, new Activator.Held() {
                @Override
                public void release() {}

                @Override
                public void expire() {}
            });
        }
        return null;
    }

    /** In memory, without an IP address (no per-client slot), its output room for every response of a test. */
    private static final class MemoryEndPoint extends ByteArrayEndPoint {
        MemoryEndPoint() {
            super(new byte[0], 64 * 1024);
        }

        @Override
        public @Nullable SocketAddress getRemoteSocketAddress() {
            return null;
        }
    }
}
