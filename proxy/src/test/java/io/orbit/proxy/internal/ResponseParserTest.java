package io.orbit.proxy.internal;

import static io.orbit.proxy.internal.ResponseParser.Event.COMPLETE;
import static io.orbit.proxy.internal.ResponseParser.Event.CONTENT;
import static io.orbit.proxy.internal.ResponseParser.Event.ERROR;
import static io.orbit.proxy.internal.ResponseParser.Event.HEAD;
import static io.orbit.proxy.internal.ResponseParser.Event.NEED_MORE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseParserTest {

    private final ResponseParser parser = new ResponseParser(8192, ByteBuffer::duplicate);
    private final ByteBuffer head = ByteBuffer.allocate(8192);

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private String head() {
        return new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1);
    }

    /** Parses the whole input, returning the decoded body. */
    private String body(ByteBuffer in, boolean eof) {
        StringBuilder body = new StringBuilder();
        while (true) {
            ResponseParser.Event event = parser.next(in, head, eof);
            switch (event) {
                case CONTENT -> body.append(StandardCharsets.ISO_8859_1.decode(parser.content()));
                case COMPLETE -> {
                    return body.toString();
                }
                case HEAD -> {}
                case NEED_MORE, ERROR -> throw new AssertionError(event + " " + parser.error() + " after " + body);
            }
        }
    }

    @Test
    void copiesEndToEndFieldsAndDropsHopByHopOnes() {
        parser.reset(false);
        ByteBuffer in = bytes(
                "HTTP/1.1 200 OK\r\nServer: x\r\nConnection: keep-alive, X-Private\r\nKeep-Alive: timeout=5\r\n"
                        + "X-Private: secret\r\nContent-Length: 5\r\nTE: trailers\r\nTrailer: x\r\nETag:  \"a\" \r\n\r\nhello");
        assertThat(parser.next(in, head, false)).isEqualTo(HEAD);
        // Framing is restated by the data path, never copied.
        assertThat(head()).isEqualTo("HTTP/1.1 200 OK\r\nServer: x\r\nETag:  \"a\"\r\n");
        assertThat(parser.status()).isEqualTo(200);
        assertThat(parser.lengthKnown()).isTrue();
        assertThat(parser.contentLength()).isEqualTo(5);
        assertThat(parser.closes()).isFalse();
        assertThat(body(in, false)).isEqualTo("hello");
        assertThat(parser.isComplete()).isTrue();
    }

    @Test
    void waitsForAWholeHead() {
        parser.reset(false);
        ByteBuffer in = bytes("HTTP/1.1 204 No Content\r\nDate: x\r\n");
        assertThat(parser.next(in, head, false)).isEqualTo(NEED_MORE);
        assertThat(in.position()).isZero();
    }

    @Test
    void decodesChunkedBodiesAcrossReads() {
        parser.reset(false);
        ByteBuffer in = bytes(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n");
        assertThat(body(in, false)).isEqualTo("hello world");
        assertThat(head()).doesNotContain("Transfer-Encoding");
        assertThat(parser.lengthKnown()).isFalse();
    }

    @Test
    void aChunkedBodyMayArriveByteByByte() {
        parser.reset(false);
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        ByteBuffer in = ByteBuffer.allocate(256);
        in.limit(0);
        StringBuilder body = new StringBuilder();
        boolean complete = false;
        for (int i = 0; i < response.length() && !complete; i++) {
            in.limit(in.limit() + 1);
            in.put(in.limit() - 1, (byte) response.charAt(i));
            ResponseParser.Event event;
            while ((event = parser.next(in, head, false)) != NEED_MORE) {
                if (event == CONTENT) {
                    body.append(StandardCharsets.ISO_8859_1.decode(parser.content()));
                } else if (event == COMPLETE) {
                    complete = true;
                    break;
                } else {
                    assertThat(event).isEqualTo(HEAD);
                }
            }
        }
        assertThat(complete).isTrue();
        assertThat(body.toString()).isEqualTo("abc");
    }

    @Test
    void withoutLengthTheBodyRunsUntilClose() {
        parser.reset(false);
        ByteBuffer in = bytes("HTTP/1.0 200 OK\r\n\r\nall of it");
        assertThat(parser.next(in, head, false)).isEqualTo(HEAD);
        assertThat(parser.closes()).isTrue();
        assertThat(body(in, true)).isEqualTo("all of it");
    }

    @Test
    void headAnd304AndInterimResponsesHaveNoBody() {
        parser.reset(true);
        ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n");
        assertThat(body(in, false)).isEmpty();
        assertThat(parser.contentLength()).isEqualTo(99);
        assertThat(parser.declaresBodyItHasNot()).isTrue();
        parser.reset(false);
        head.clear();
        assertThat(body(bytes("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"), false))
                .isEmpty();
        parser.reset(false);
        assertThat(body(bytes("HTTP/1.1 100 Continue\r\n\r\n"), false)).isEmpty();
    }

    @Test
    void rejectsWhatWouldDesynchroniseTheConnection() {
        String[] bad = {
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n",
            "HTTP/2 200 OK\r\n\r\n",
            "HTTP/1.1 2x0 OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
        };
        for (String response : bad) {
            parser.reset(false);
            head.clear();
            assertThat(parser.next(bytes(response), head, false)).as(response).isEqualTo(ERROR);
        }
        parser.reset(false);
        head.clear();
        ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        assertThat(parser.next(in, head, false)).isEqualTo(HEAD);
        assertThat(parser.next(in, head, false)).isEqualTo(ERROR);
    }

    @Test
    void aTruncatedBodyIsAnError() {
        parser.reset(false);
        ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        assertThat(parser.next(in, head, false)).isEqualTo(HEAD);
        assertThat(parser.next(in, head, true)).isEqualTo(CONTENT);
        parser.content();
        assertThat(parser.next(in, head, true)).isEqualTo(ERROR);
    }

    @Test
    void transferEncodingWithContentLengthIsAnError() {
        parser.reset(false);
        ByteBuffer in =
                bytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n");
        assertThat(parser.next(in, head, false)).isEqualTo(ERROR);
    }

    @Test
    void aConnectionTokenCannotTakeTheFramingAway() {
        parser.reset(false);
        ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nConnection: content-length\r\nContent-Length: 2\r\n\r\nab");
        assertThat(parser.next(in, head, false)).isEqualTo(HEAD);
        assertThat(parser.contentLength()).isEqualTo(2);
        assertThat(parser.lengthKnown()).isTrue();
        assertThat(body(in, false)).isEqualTo("ab");
    }

    @Test
    void keepsTransferCodingsOtherThanChunked() {
        parser.reset(false);
        ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n");
        assertThat(body(in, false)).isEqualTo("ab");
        assertThat(parser.transferCodings()).isEqualTo("gzip");
        parser.reset(false);
        in = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz");
        assertThat(parser.next(in, head, false)).isEqualTo(HEAD);
        assertThat(parser.lengthKnown()).isFalse();
        assertThat(parser.closes()).isTrue();
        for (String bad : new String[] {
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\n",
        }) {
            parser.reset(false);
            head.clear();
            assertThat(parser.next(bytes(bad), head, false)).as(bad).isEqualTo(ERROR);
        }
    }

    @Test
    void keepsTheUpgradeTokenOfA101() {
        parser.reset(false);
        ByteBuffer in = bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        assertThat(parser.next(in, head, false)).isEqualTo(HEAD);
        assertThat(parser.upgrade()).isEqualTo("websocket");
        assertThat(head()).isEqualTo("HTTP/1.1 101 Switching Protocols\r\n");
    }
}
