package io.orbit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.junit.jupiter.api.Test;

class HeadsTest {

    private static final Heads.Client CLIENT = new Heads.Client("10.0.0.7", "http");

    private static HttpField field(String name, String value) {
        return new HttpField(name, value);
    }

    private static String requestHead(List<HttpField> fields, String upgrade, boolean chunked) {
        ByteBuffer out = ByteBuffer.allocate(4096);
        String host = fields.stream()
                .filter(f -> f.getName().equalsIgnoreCase("Host"))
                .map(HttpField::getValue)
                .findFirst()
                .orElse("svc");
        Heads.writeRequestHead(
                out,
                "GET",
                "/a?b=c",
                host,
                fields,
                Heads.ConnectionTokens.of(fields),
                CLIENT,
                upgrade,
                chunked ? "" : null,
                -1);
        return new String(out.array(), 0, out.position(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void dropsHopByHopFieldsAndTheFieldsConnectionNames() {
        List<HttpField> fields = List.of(
                field("Host", "example.com"),
                field("Connection", "keep-alive, X-Secret"),
                field("Keep-Alive", "timeout=5"),
                field("Proxy-Connection", "keep-alive"),
                field("TE", "trailers"),
                field("Transfer-Encoding", "chunked"),
                field("Upgrade", "h2c"),
                field("X-Secret", "drop me"),
                field("Accept", "*/*"));
        String head = requestHead(fields, null, false);
        assertThat(head).startsWith("GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n");
        assertThat(head)
                .doesNotContainIgnoringCase("keep-alive")
                .doesNotContain("X-Secret")
                .doesNotContain("TE:")
                .doesNotContain("Transfer-Encoding")
                .doesNotContain("Upgrade")
                .doesNotContain("Connection");
        assertThat(head).endsWith("\r\n\r\n");
    }

    @Test
    void addsForwardingFieldsAndAppendsToAnExistingChain() {
        String head = requestHead(
                List.of(
                        field("Host", "example.com:8080"),
                        field("X-Forwarded-For", "1.2.3.4"),
                        field("Forwarded", "for=1.2.3.4"),
                        field("X-Forwarded-Proto", "https"),
                        field("X-Forwarded-Host", "spoofed")),
                null,
                false);
        assertThat(head)
                .contains("X-Forwarded-For: 1.2.3.4, 10.0.0.7\r\n")
                .contains("X-Forwarded-Proto: http\r\n")
                .contains("X-Forwarded-Host: example.com:8080\r\n")
                .contains("Forwarded: for=1.2.3.4, for=10.0.0.7;host=\"example.com:8080\";proto=http\r\n")
                .doesNotContain("https")
                .doesNotContain("spoofed");
    }

    @Test
    void quotesAnIpv6ClientInForwarded() {
        ByteBuffer out = ByteBuffer.allocate(1024);
        Heads.writeRequestHead(
                out,
                "GET",
                "/",
                "h",
                List.of(field("Host", "h")),
                Heads.ConnectionTokens.NONE,
                new Heads.Client("::1", "http"),
                null,
                null,
                -1);
        assertThat(new String(out.array(), 0, out.position(), StandardCharsets.ISO_8859_1))
                .contains("Forwarded: for=\"[::1]\";host=\"h\";proto=http\r\n")
                .contains("X-Forwarded-For: ::1\r\n");
    }

    @Test
    void addsHostForHttp10ClientsAndKeepsUpgradeWhenAsked() {
        String head =
                requestHead(List.of(field("Connection", "Upgrade"), field("Upgrade", "websocket")), "websocket", false);
        assertThat(head).contains("Host: svc\r\n").contains("Connection: Upgrade\r\nUpgrade: websocket\r\n");
    }

    @Test
    void declaresChunkedFramingItself() {
        assertThat(requestHead(List.of(field("Host", "h"), field("Transfer-Encoding", "chunked")), null, true))
                .containsOnlyOnce("Transfer-Encoding: chunked\r\n");
    }

    @Test
    void aConnectionTokenNeverRemovesFramingRoutingOrForwardingFields() {
        List<HttpField> fields = List.of(
                field("Host", "h"),
                field(
                        "Connection",
                        "keep-alive, Content-Length, Host, Transfer-Encoding, X-Forwarded-For, Forwarded, X-A"),
                field("Content-Length", "5"),
                field("X-A", "gone"));
        ByteBuffer out = ByteBuffer.allocate(4096);
        Heads.writeRequestHead(out, "POST", "/", "h", fields, Heads.ConnectionTokens.of(fields), CLIENT, null, null, 5);
        String head = new String(out.array(), 0, out.position(), StandardCharsets.ISO_8859_1);
        assertThat(head)
                .startsWith("POST / HTTP/1.1\r\nHost: h\r\n")
                .containsOnlyOnce("Content-Length: 5\r\n")
                .contains("X-Forwarded-For: 10.0.0.7\r\n")
                .contains("Forwarded: for=10.0.0.7;")
                .doesNotContain("X-A");
        assertThat(Heads.ConnectionTokens.of(fields).named()).containsExactly("x-a");
    }

    @Test
    void keepsTheTransferCodingsBeforeChunked() {
        ByteBuffer out = ByteBuffer.allocate(4096);
        List<HttpField> fields = List.of(field("Host", "h"), field("Transfer-Encoding", "gzip, chunked"));
        Heads.writeRequestHead(
                out, "POST", "/", "h", fields, Heads.ConnectionTokens.of(fields), CLIENT, null, "gzip", -1);
        assertThat(new String(out.array(), 0, out.position(), StandardCharsets.ISO_8859_1))
                .containsOnlyOnce("Transfer-Encoding: gzip, chunked\r\n")
                .doesNotContain("Content-Length");
    }

    @Test
    void theProxysOwnErrorCarriesABodyAndRetryAfter() {
        ByteBuffer out = ByteBuffer.allocate(1024);
        Heads.writeErrorResponse(out, 503, "no ready backend\n", 1, false);
        assertThat(new String(out.array(), 0, out.position(), StandardCharsets.ISO_8859_1))
                .startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .contains("Retry-After: 1\r\n")
                .contains("Content-Length: 17\r\n")
                .endsWith("\r\n\r\nno ready backend\n");
    }

    @Test
    void connectionTokensRecogniseCloseKeepAliveAndUpgrade() {
        assertThat(Heads.ConnectionTokens.of(List.of(field("Connection", "close")))
                        .close())
                .isTrue();
        assertThat(Heads.ConnectionTokens.of(List.of(field("Connection", "Keep-Alive")))
                        .keepAlive())
                .isTrue();
        Heads.ConnectionTokens tokens = Heads.ConnectionTokens.of(List.of(field("Connection", "Upgrade, x-a")));
        assertThat(tokens.upgrade()).isTrue();
        assertThat(tokens.named()).containsExactly("x-a");
    }

    @Test
    void numbersAreWrittenInDecimalAndHexAsTheJdkWritesThem() {
        for (long value : new long[] {0, 7, 10, 255, 1024, 4096, 1_000_000, Integer.MAX_VALUE, Long.MAX_VALUE}) {
            ByteBuffer out = ByteBuffer.allocate(40);
            out.put((byte) '[');
            Heads.putDecimal(out, value);
            out.put((byte) '|');
            Heads.putHex(out, value);
            out.put((byte) ']');
            assertThat(new String(out.array(), 0, out.position(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("[" + value + "|" + Long.toHexString(value) + "]");
        }
    }

    @Test
    void aNumberThatDoesNotFitIsRefusedWithoutWritingHalfOfIt() {
        ByteBuffer out = ByteBuffer.allocate(3);
        out.put((byte) 'x');

        assertThatThrownBy(() -> Heads.putDecimal(out, 123)).isInstanceOf(java.nio.BufferOverflowException.class);
        assertThat(out.position()).isEqualTo(1);
        assertThatThrownBy(() -> Heads.putHex(out, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
