package io.orbit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.proxy.ProxyOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lean request-head parser against Jetty's {@code HttpParser} as the proxy configures it (RFC 9110, the same head
 * limit): what the lean parser takes, Jetty takes with the same method, target, version, fields and end of head; what
 * is odd, partial, hostile or has a body, it declines (and Jetty then parses it as before).
 */
class RequestHeadParserTest {

    /** The proxy's own limit (8 KiB): the lean parser must stay inside the one Jetty enforces. */
    private static final int MAX_HEAD = ProxyOptions.defaults().maxRequestHeadBytes();

    private final RequestHeadParser lean = new RequestHeadParser();

    /** What Jetty's parser made of a head: the fields it reported, or the error it refused it with. */
    private static final class JettyHead implements HttpParser.RequestHandler {
        String method = "";
        String uri = "";

        @Nullable
        HttpVersion version;

        final List<HttpField> fields = new ArrayList<>();
        boolean headerComplete;

        @Nullable
        HttpException bad;

        int end = -1;

        @Override
        public void startRequest(String method, String uri, HttpVersion version) {
            this.method = method;
            this.uri = uri;
            this.version = version;
        }

        @Override
        public void parsedHeader(HttpField field) {
            fields.add(field);
        }

        @Override
        public boolean headerComplete() {
            headerComplete = true;
            return true;
        }

        @Override
        public boolean content(ByteBuffer item) {
            return true;
        }

        @Override
        public boolean contentComplete() {
            return false;
        }

        @Override
        public boolean messageComplete() {
            return true;
        }

        @Override
        public void earlyEOF() {}

        @Override
        public void badMessage(HttpException failure) {
            bad = failure;
        }
    }

    private static JettyHead jetty(byte[] head) {
        JettyHead result = new JettyHead();
        HttpParser parser = new HttpParser(result, MAX_HEAD, HttpCompliance.RFC9110);
        parser.setHeaderCacheSize(ClientConnection.HEADER_CACHE_SIZE);
        ByteBuffer in = ByteBuffer.wrap(head);
        while (in.hasRemaining() && !result.headerComplete && result.bad == null) {
            int before = in.position();
            parser.parseNext(in);
            if (in.position() == before && !result.headerComplete) {
                break;
            }
        }
        if (result.headerComplete && result.bad == null) {
            result.end = in.position();
        }
        return result;
    }

    private static ByteBuffer direct(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length + 16);
        buffer.put(bytes).flip();
        return buffer;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Parses {@code head} with both parsers; when the lean one takes it, asserts Jetty took it the same way. */
    private boolean agrees(byte[] head) {
        ByteBuffer in = direct(head);
        List<HttpField> fields = new ArrayList<>();
        boolean taken = lean.parse(in, MAX_HEAD, fields);
        String text = new String(head, StandardCharsets.ISO_8859_1);
        if (!taken) {
            assertThat(in.position()).as("declined, nothing consumed: %s", text).isZero();
            assertThat(fields).as("declined, no field: %s", text).isEmpty();
            return false;
        }
        JettyHead jetty = jetty(head);
        assertThat(jetty.bad)
                .as("Jetty refused what the lean parser took: %s", text)
                .isNull();
        assertThat(jetty.headerComplete).as(text).isTrue();
        assertThat(in.position()).as("end of head: %s", text).isEqualTo(jetty.end);
        assertThat(lean.method()).as(text).isEqualTo(jetty.method);
        assertThat(lean.target()).as(text).isEqualTo(jetty.uri);
        assertThat(lean.version()).as(text).isEqualTo(jetty.version);
        assertThat(fields).as(text).hasSameSizeAs(jetty.fields);
        for (int i = 0; i < fields.size(); i++) {
            HttpField mine = fields.get(i);
            HttpField theirs = jetty.fields.get(i);
            assertThat(mine.getHeader()).as(text).isEqualTo(theirs.getHeader());
            assertThat(mine.getName()).as(text).isEqualToIgnoringCase(theirs.getName());
            assertThat(mine.getValue()).as(text).isEqualTo(theirs.getValue());
            assertThat(mine instanceof HostPortHttpField).as(text).isEqualTo(theirs instanceof HostPortHttpField);
            if (mine instanceof HostPortHttpField host && theirs instanceof HostPortHttpField jettyHost) {
                assertThat(host.getHost()).isEqualTo(jettyHost.getHost());
                assertThat(host.getPort()).isEqualTo(jettyHost.getPort());
            }
        }
        return true;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", // wrk
                "GET /index.html?q=1&r=%20 HTTP/1.1\r\nHost: localhost:4112\r\nUser-Agent: curl/7.88.1\r\n"
                        + "Accept: */*\r\n\r\n", // curl
                "GET /app/main.js HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive\r\nsec-ch-ua: \"Chromium\";v=\"156\"\r\n"
                        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: text/html,application/xhtml+xml;q=0.9\r\n"
                        + "Accept-Encoding: gzip, deflate, br\r\nAccept-Language: en-GB,en;q=0.9\r\n"
                        + "Cookie: a=1; b=2\r\nX-Request-Id:\tabc \t\r\n\r\n", // a browser
                "HEAD /healthz HTTP/1.0\r\n\r\n",
                "DELETE /items/7 HTTP/1.1\r\nhost: api.local\r\nauthorization: Bearer x.y.z\r\n\r\n",
                "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET http://other.example/x HTTP/1.1\r\nHost: ignored.example\r\n\r\n",
                "POST /no-body HTTP/1.1\r\nHost: [::1]:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
            })
    void takesPlainHeadsWithoutABodyAsJettyDoes(String head) {
        assertThat(agrees(ascii(head))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", // a body: Jetty frames it
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\ncontent-length: 0\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", // obs-fold
                "GET / HTTP/1.1\nHost: a\n\n", // bare LF
                "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", // bare CR
                "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", // duplicate Host
                "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", // a Host Jetty refuses
                "GET / HTTP/1.1\r\nUser-Agent: x\r\n\r\n", // HTTP/1.1 without Host
                "get / HTTP/1.1\r\nHost: a\r\n\r\n", // methods are case-sensitive
                "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n",
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                "MKCOL /d HTTP/1.1\r\nHost: a\r\n\r\n", // a method this path does not know
                "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", // two spaces
                "GET / HTTP/1.2\r\nHost: a\r\n\r\n",
                "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
                "GET /caf\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n", // obs-text in the target
                "GET / HTTP/1.1\r\nHost: a\r\nX: caf\u00e9\r\n\r\n", // obs-text in a value
                "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n", // NUL
                "GET / HTTP/1.1\r\nHost: a\r\nX : 1\r\n\r\n", // whitespace before the colon
                "GET / HTTP/1.1\r\nHost: a\r\nX:\r\n\r\n", // an empty value
                "GET / HTTP/1.1\r\nHost: a\r\nX:  \t\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", // no name
                "GET / HTTP/1.1\r\nHost: a\r\nX-\u00e9: v\r\n\r\n",
                "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", // a leading empty line: Jetty's to skip
                "GET / HTTP/1.1\r\nHost: a\r\n", // partial
                "GET / HTTP/1.1\r\nHo",
            })
    void declinesWhatIsOddPartialOrHasABody(String head) {
        assertThat(agrees(ascii(head))).isFalse();
    }

    @Test
    void declinesAHeadThatReachesTheLimit() {
        String start = "GET / HTTP/1.1\r\nHost: a\r\nX: ";
        String end = "\r\n\r\n";
        String fits = start + "v".repeat(MAX_HEAD - 3 - start.length() - end.length()) + end;
        String atLimit = start + "v".repeat(MAX_HEAD - start.length() - end.length()) + end;
        assertThat(agrees(ascii(fits))).isTrue();
        assertThat(agrees(ascii(atLimit))).isFalse();
    }

    @Test
    void takesOnlyTheFirstOfPipelinedHeads() {
        ByteBuffer in = direct(ascii("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"));
        List<HttpField> fields = new ArrayList<>();
        assertThat(lean.parse(in, MAX_HEAD, fields)).isTrue();
        assertThat(lean.target()).isEqualTo("/1");
        assertThat(in.position()).isEqualTo(28);
        assertThat(lean.parse(in, MAX_HEAD, fields)).isTrue();
        assertThat(lean.target()).isEqualTo("/2");
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void reusesTheFieldsAndTargetOfARepeatedRequest() {
        byte[] head = ascii("GET /same HTTP/1.1\r\nHost: a:1\r\nUser-Agent: wrk\r\n\r\n");
        List<HttpField> first = new ArrayList<>();
        assertThat(lean.parse(direct(head), MAX_HEAD, first)).isTrue();
        String target = lean.target();
        List<HttpField> second = new ArrayList<>();
        assertThat(lean.parse(direct(head), MAX_HEAD, second)).isTrue();
        assertThat(lean.target()).isSameAs(target);
        assertThat(second.get(0)).isSameAs(first.get(0));
        assertThat(second.get(1)).isSameAs(first.get(1));

        List<HttpField> changed = new ArrayList<>();
        assertThat(lean.parse(
                        direct(ascii("GET /other HTTP/1.1\r\nHost: a:1\r\nUser-Agent: WRK\r\n\r\n")),
                        MAX_HEAD,
                        changed))
                .isTrue();
        assertThat(lean.target()).isEqualTo("/other");
        assertThat(changed.get(0)).isSameAs(first.get(0));
        assertThat(changed.get(1)).isNotSameAs(first.get(1));
        assertThat(changed.get(1).getValue()).isEqualTo("WRK");
    }

    // Generated heads: plain pieces mixed with every kind of odd byte and field, parsed by both.

    private static final String[] METHODS = {
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "DELETE",
        "OPTIONS",
        "PATCH",
        "TRACE",
        "CONNECT",
        "get",
        "MKCOL",
        "PRI",
        "G\u00e9T",
        ""
    };
    private static final String[] TARGETS = {
        "/",
        "/a/b?c=d&e",
        "/%2e%2e/x",
        "*",
        "http://h.example/p",
        "https://h:8443",
        "h:443",
        "/a b",
        "/a\tb",
        "/\u00e9",
        "/#frag",
        "//x",
        "/a\u0000",
        "/" + "x".repeat(300)
    };
    private static final String[] VERSIONS = {
        "HTTP/1.1", "HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/0.9", "http/1.1", "HTTP/1.1 ", "HTTP/11", ""
    };
    private static final String[] NAMES = {
        "Host",
        "host",
        "HOST",
        "User-Agent",
        "accept",
        "Accept-Encoding",
        "Cookie",
        "Connection",
        "Upgrade",
        "X-Forwarded-For",
        "Forwarded",
        "Content-Length",
        "Transfer-Encoding",
        "TE",
        "Expect",
        "X-Custom",
        "x_y",
        "X Y",
        "X:Y",
        "X\u00e9",
        "",
        " X",
        "\tX",
        "X\u0001",
        "Authorization",
        "Keep-Alive",
        "Proxy-Connection",
        "Cache-Control",
        "Trailer"
    };
    private static final String[] VALUES = {
        "a",
        "example.com",
        "example.com:8080",
        "[::1]:80",
        "1.2.3.4:99999",
        "h:x",
        "a b",
        "close",
        "keep-alive, Upgrade",
        "websocket",
        "chunked",
        "gzip, chunked",
        "0",
        "10",
        "-1",
        "1, 1",
        "100-continue",
        "for=1.2.3.4",
        "",
        " ",
        "\t v \t",
        "caf\u00e9",
        "a\u0000b",
        "a\rb",
        "a\nb",
        "a\u007fb",
        "\"quoted \\\" value\"",
        "v".repeat(300),
        "UPPER",
        "Bearer abc.def"
    };
    private static final String[] EOLS = {"\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\n", "\r", " \r\n", "\r\n "};
    private static final String[] SEPARATORS = {":", ": ", ":\t", ":  ", " :", ": \t "};

    private static String pick(Random random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** Mostly plain heads (one odd piece in a few), so that both the taken and the declined side are large. */
    private static String generated(Random random) {
        boolean plain = random.nextInt(3) > 0;
        StringBuilder head = new StringBuilder();
        head.append(plain ? pick(random, new String[] {"GET", "HEAD", "DELETE", "OPTIONS"}) : pick(random, METHODS));
        head.append(plain || random.nextBoolean() ? " " : pick(random, new String[] {"  ", "\t", ""}));
        head.append(plain ? pick(random, new String[] {"/", "/a/b?c=d&e", "/x.js"}) : pick(random, TARGETS));
        head.append(' ');
        head.append(plain ? "HTTP/1.1" : pick(random, VERSIONS));
        head.append(plain ? "\r\n" : pick(random, EOLS));
        int fields = random.nextInt(8);
        boolean host = false;
        for (int i = 0; i < fields; i++) {
            String name = plain && random.nextInt(4) > 0
                    ? pick(random, new String[] {"Host", "User-Agent", "Accept", "X-Custom", "Cookie"})
                    : pick(random, NAMES);
            if (plain && name.equalsIgnoreCase("host")) {
                if (host) {
                    continue;
                }
                host = true;
            }
            String value = plain && random.nextInt(4) > 0
                    ? pick(random, new String[] {"a", "example.com:8080", "*/*", "x=1; y=2", "Mozilla/5.0 (X11)"})
                    : pick(random, VALUES);
            head.append(name)
                    .append(plain ? ": " : pick(random, SEPARATORS))
                    .append(value)
                    .append(plain ? "\r\n" : pick(random, EOLS));
        }
        if (plain && !host) {
            head.append("Host: h.example\r\n");
        }
        head.append(plain || random.nextInt(4) > 0 ? "\r\n" : pick(random, EOLS));
        if (random.nextInt(10) == 0) {
            head.setLength(random.nextInt(head.length() + 1)); // cut short
        }
        return head.toString();
    }

    @Test
    void takesOnlyWhatJettyTakesTheSameWayOnGeneratedHeads() {
        Random random = new Random(18);
        int taken = 0;
        int declinedButJettyTook = 0;
        List<String> recent = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            // A client repeats itself: replay an earlier head often, so the reuse of fields is exercised.
            String head = !recent.isEmpty() && random.nextInt(3) == 0
                    ? recent.get(random.nextInt(recent.size()))
                    : generated(random);
            if (recent.size() < 64) {
                recent.add(head);
            } else {
                recent.set(random.nextInt(64), head);
            }
            if (agrees(ascii(head))) {
                taken++;
            } else {
                JettyHead jetty = jetty(ascii(head));
                if (jetty.bad == null && jetty.headerComplete) {
                    declinedButJettyTook++;
                }
            }
        }
        // Both sides are large: the comparison above ran on thousands of taken heads, and declining is common too.
        System.out.printf(
                "RequestHeadParserTest: 20000 generated heads, %d taken as Jetty takes them, %d declined that Jetty"
                        + " takes%n",
                taken, declinedButJettyTook);
        assertThat(taken).isGreaterThan(5_000);
        assertThat(declinedButJettyTook).isGreaterThan(500);
    }
}
