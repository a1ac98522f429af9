package io.orbit.proxy;

import static io.orbit.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orbit.engine.routing.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP request smuggling and response framing (issue 13): raw bytes from a client socket through a real
 * {@link ProxyServer} on 127.0.0.1 to a strict {@link RecordingBackend}. For every vector the backend parses exactly
 * the requests the client framed, or none and the client gets a 400 (505 for a version) on a closed connection; the
 * client reads exactly the responses the backend framed, or a 502, or a response cut short on a closed connection —
 * never a response passed off as complete. One proxy and one backend serve all vectors in order, so a vector that
 * desynchronised a pooled upstream connection would also break the vectors after it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestFramingConformanceIT {

    private static final String H = "Host: a\r\n";
    private static final String CLOSED = "closed";
    private static final String TRUNCATED = "truncated";

    private RecordingBackend backend;
    private ProxyServer proxy;
    private int port;

    /** A request the backend must have parsed; null parts are not checked. */
    record Seen(
            String method,
            String target,
            String body,
            @Nullable String host,
            @Nullable String framing) {
        Seen host(String value) {
            return new Seen(method, target, body, value, framing);
        }

        Seen framing(String value) {
            return new Seen(method, target, body, host, value);
        }
    }

    /** Something the client does besides writing {@link Vector#request} at once. */
    interface Custom {
        void run(OutputStream out, InputStream in) throws IOException;
    }

    /** One named vector: what the client sends, what the backend must parse, what the client must read. */
    static final class Vector {
        final String name;
        final String request;
        List<Seen> seen = List.of();
        List<String> answers = List.of();
        List<String> headers = List.of();
        boolean[] heads = new boolean[0];

        @Nullable
        Custom custom;

        Vector(String name, String request) {
            this.name = name;
            this.request = request;
        }

        Vector sees(Seen... requests) {
            seen = List.of(requests);
            return this;
        }

        /** Response tokens in order ("200 ok", "400", "100"), then {@code closed} or {@code truncated} if it ends. */
        Vector answers(String... tokens) {
            answers = List.of(tokens);
            return this;
        }

        /** "Name: value" present or "!Name" absent in the first final response. */
        Vector headers(String... checks) {
            headers = List.of(checks);
            return this;
        }

        Vector heads(boolean... headRequests) {
            heads = headRequests;
            return this;
        }

        Vector custom(Custom action) {
            custom = action;
            return this;
        }

        /** Refused: the backend sees nothing, the client gets {@code status} and the connection closes. */
        Vector refused(int status) {
            return sees().answers(Integer.toString(status), CLOSED);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Seen seen(String method, String target) {
        return new Seen(method, target, "", null, null);
    }

    static Seen seen(String method, String target, String body) {
        return new Seen(method, target, body, null, null);
    }

    static Vector v(String name, String request) {
        return new Vector(name, request);
    }

    static String post(String fields, String body) {
        return "POST / HTTP/1.1\r\n" + H + fields + "\r\n" + body;
    }

    static String get(String target, String fields) {
        return "GET " + target + " HTTP/1.1\r\n" + H + fields + "\r\n";
    }

    static final String CHUNKED_ABC = "3\r\nabc\r\n0\r\n\r\n";
    static final String OK = "200 ok";

    static Stream<Vector> vectors() {
        List<Vector> all = new ArrayList<>();
        // --- The four bugs found in the code read, by name.
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: evil\r\n\r\n";
        all.add(v(
                        "bug: Connection: keep-alive, Content-Length keeps Content-Length (body is not a 2nd request)",
                        post(
                                "Connection: keep-alive, Content-Length\r\nContent-Length: " + smuggled.length()
                                        + "\r\n",
                                smuggled))
                .sees(seen("POST", "/", smuggled).framing("cl:" + smuggled.length()))
                .answers(OK));
        all.add(v("bug: Connection: Host keeps Host", get("/", "Connection: Host\r\n"))
                .sees(seen("GET", "/").host("a"))
                .answers(OK));
        all.add(v(
                        "bug: backend Connection: content-length keeps the response framing",
                        get("/r/conn-cl", "") + get("/", ""))
                .sees(seen("GET", "/r/conn-cl"), seen("GET", "/"))
                .answers("200 abc", OK)
                .headers("Content-Length: 3", "!Connection"));
        all.add(v(
                        "bug: Transfer-Encoding: gzip, chunked keeps gzip",
                        post("Transfer-Encoding: gzip, chunked\r\n", CHUNKED_ABC))
                .sees(seen("POST", "/", "abc").framing("te:gzip, chunked"))
                .answers(OK));
        all.add(v("bug (response): Transfer-Encoding: gzip, chunked keeps gzip", get("/r/gzip-chunked", ""))
                .sees(seen("GET", "/r/gzip-chunked"))
                .answers("200 abc")
                .headers("Transfer-Encoding: gzip, chunked"));
        all.add(v(
                        "Connection names X-Forwarded-For and Forwarded: the proxy's own stay",
                        get(
                                "/",
                                "Connection: X-Forwarded-For, Forwarded, X-Forwarded-Host\r\nX-Forwarded-For: 1.2.3.4\r\n"))
                .sees(seen("GET", "/"))
                .answers(OK));
        all.add(v(
                        "Connection names Transfer-Encoding: the body stays chunked",
                        post("Connection: Transfer-Encoding\r\nTransfer-Encoding: chunked\r\n", CHUNKED_ABC))
                .sees(seen("POST", "/", "abc").framing("te:chunked"))
                .answers(OK));
        all.add(v(
                        "backend Connection: transfer-encoding keeps the response chunked",
                        get("/r/conn-te", "") + get("/", ""))
                .sees(seen("GET", "/r/conn-te"), seen("GET", "/"))
                .answers("200 abc", OK));

        // --- CL.TE and TE.CL.
        all.add(v("CL.TE", post("Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nG"))
                .refused(400));
        all.add(v("TE.CL", post("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", "8\r\nSMUGGLED\r\n0\r\n\r\n"))
                .refused(400));
        all.add(v(
                        "CL.TE smuggling a GET",
                        post(
                                "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
                                "5c\r\nGPOST / HTTP/1.1\r\nContent-Type: x\r\nContent-Length: 15\r\n\r\nx=1\r\n0\r\n\r\n"))
                .refused(400));
        all.add(v(
                        "TE chunked with Content-Length: 0",
                        post("Transfer-Encoding: chunked\r\nContent-Length: 0\r\n", CHUNKED_ABC))
                .refused(400));

        // --- TE.TE obfuscations.
        all.add(v("TE: xchunked", post("Transfer-Encoding: xchunked\r\n", CHUNKED_ABC))
                .refused(400));
        all.add(v("TE: space before colon", post("Transfer-Encoding : chunked\r\n", CHUNKED_ABC))
                .refused(400));
        all.add(v(
                        "TE: chunked then a second TE: x",
                        post("Transfer-Encoding: chunked\r\nTransfer-encoding: x\r\n", CHUNKED_ABC))
                .refused(400));
        all.add(v("TE: tab before value with CL", post("Transfer-Encoding:\tchunked\r\nContent-Length: 3\r\n", "abc"))
                .refused(400));
        all.add(v("TE: Chunked (case)", post("Transfer-Encoding: Chunked\r\n", CHUNKED_ABC))
                .sees(seen("POST", "/", "abc").framing("te:chunked"))
                .answers(OK));
        all.add(v("TE: field name in upper case", post("TRANSFER-ENCODING: chunked\r\n", CHUNKED_ABC))
                .sees(seen("POST", "/", "abc"))
                .answers(OK));
        all.add(v("TE: chunked, identity", post("Transfer-Encoding: chunked, identity\r\n", CHUNKED_ABC))
                .refused(400));
        all.add(v("TE: chunked, chunked", post("Transfer-Encoding: chunked, chunked\r\n", CHUNKED_ABC))
                .refused(400));
        all.add(v(
                        "TE: duplicate chunked fields",
                        post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", CHUNKED_ABC))
                .refused(400));
        all.add(v(
                        "TE: gzip and chunked in two fields",
                        post("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", CHUNKED_ABC))
                .sees(seen("POST", "/", "abc").framing("te:gzip, chunked"))
                .answers(OK));
        all.add(v("TE: vertical tab", post("Transfer-Encoding:\u000bchunked\r\n", CHUNKED_ABC))
                .refused(400));
        all.add(v("TE: form feed", post("Transfer-Encoding: chunked\u000c\r\n", CHUNKED_ABC))
                .refused(400));
        all.add(v("TE: obs-fold", post("Transfer-Encoding:\r\n chunked\r\n", CHUNKED_ABC))
                .refused(400));
        all.add(v("TE: quoted", post("Transfer-Encoding: \"chunked\"\r\n", CHUNKED_ABC))
                .refused(400));
        all.add(v("TE: chunked with a parameter", post("Transfer-Encoding: chunked;q=1\r\n", CHUNKED_ABC))
                .refused(400));
        all.add(v("TE: gzip alone on a request", post("Transfer-Encoding: gzip\r\n", "abc"))
                .refused(400));
        all.add(v("TE: identity alone", post("Transfer-Encoding: identity\r\nContent-Length: 3\r\n", "abc"))
                .refused(400));
        all.add(v("TE in HTTP/1.0", "POST / HTTP/1.0\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n" + CHUNKED_ABC)
                .refused(400));
        all.add(v("TE: empty list elements", post("Transfer-Encoding: ,chunked\r\n", CHUNKED_ABC))
                .sees(seen("POST", "/", "abc").framing("te:chunked"))
                .answers(OK));

        // --- Content-Length.
        all.add(v("CL: twice the same", post("Content-Length: 3\r\nContent-Length: 3\r\n", "abc"))
                .refused(400));
        all.add(v("CL: twice different", post("Content-Length: 3\r\nContent-Length: 4\r\n", "abcd"))
                .refused(400));
        all.add(v("CL: list 3, 3", post("Content-Length: 3, 3\r\n", "abc")).refused(400));
        all.add(v("CL: plus sign", post("Content-Length: +3\r\n", "abc")).refused(400));
        all.add(v("CL: minus sign", post("Content-Length: -1\r\n", "abc")).refused(400));
        all.add(v("CL: hex", post("Content-Length: 0x3\r\n", "abc")).refused(400));
        all.add(v("CL: space inside", post("Content-Length: 3 3\r\n", "abc")).refused(400));
        all.add(v("CL: overflow", post("Content-Length: 99999999999999999999\r\n", "abc"))
                .refused(400));
        all.add(v("CL: empty", post("Content-Length:\r\n", "abc")).refused(400));
        all.add(v("CL: surrounding whitespace is OWS", post("Content-Length: \t3 \r\n", "abc"))
                .sees(seen("POST", "/", "abc").framing("cl:3"))
                .answers(OK));
        all.add(v("CL: leading zeros are restated", post("Content-Length: 003\r\n", "abc"))
                .sees(seen("POST", "/", "abc").framing("cl:3"))
                .answers(OK));

        // --- CL.0 on methods without body semantics: the body is a body, never a request.
        all.add(v("CL.0: GET with Content-Length: 0 then a GET", get("/", "Content-Length: 0\r\n") + get("/2", ""))
                .sees(seen("GET", "/").framing("cl:0"), seen("GET", "/2"))
                .answers(OK, OK));
        all.add(v(
                        "CL: GET whose body looks like a request",
                        get("/", "Content-Length: 21\r\n") + "GET /admin HTTP/1.1\r\n")
                .sees(seen("GET", "/", "GET /admin HTTP/1.1\r\n"))
                .answers(OK));
        all.add(v("CL: HEAD with a body", "HEAD / HTTP/1.1\r\n" + H + "Content-Length: 3\r\n\r\nabc")
                .sees(seen("HEAD", "/", "abc"))
                .heads(true)
                .answers("200"));
        all.add(v("CL: OPTIONS with a body", "OPTIONS / HTTP/1.1\r\n" + H + "Content-Length: 3\r\n\r\nabc")
                .sees(seen("OPTIONS", "/", "abc"))
                .answers(OK));
        all.add(v("OPTIONS *", "OPTIONS * HTTP/1.1\r\n" + H + "\r\n")
                .sees(seen("OPTIONS", "*"))
                .answers(OK));

        // --- Chunk framing.
        all.add(v(
                        "chunk size with 17 hex digits",
                        post("Transfer-Encoding: chunked\r\n", "10000000000000003\r\nabc\r\n0\r\n\r\n"))
                .refused(400));
        all.add(v("chunk size negative", post("Transfer-Encoding: chunked\r\n", "-3\r\nabc\r\n0\r\n\r\n"))
                .refused(400));
        all.add(v("chunk size 0x3", post("Transfer-Encoding: chunked\r\n", "0x3\r\nabc\r\n0\r\n\r\n"))
                .refused(400));
        all.add(v("chunk size with leading space", post("Transfer-Encoding: chunked\r\n", " 3\r\nabc\r\n0\r\n\r\n"))
                .refused(400));
        all.add(v(
                        "chunk extension is dropped, not forwarded",
                        post("Transfer-Encoding: chunked\r\n", "3;a=b\r\nabc\r\n0\r\n\r\n"))
                .sees(seen("POST", "/", "abc"))
                .answers(OK));
        all.add(v(
                        "chunk extension with a quoted value",
                        post("Transfer-Encoding: chunked\r\n", "3;a=\"b c\"\r\nabc\r\n0;x=y\r\n\r\n"))
                .sees(seen("POST", "/", "abc"))
                .answers(OK));
        all.add(v("chunk extension malformed", post("Transfer-Encoding: chunked\r\n", "3;a\"b\r\nabc\r\n0\r\n\r\n"))
                .refused(400));
        all.add(v("chunk data longer than its size", post("Transfer-Encoding: chunked\r\n", "3\r\nabcd\r\n0\r\n\r\n"))
                .refused(400));
        all.add(v("chunk lines with bare LF", post("Transfer-Encoding: chunked\r\n", "3\nabc\n0\n\n"))
                .refused(400));
        all.add(v("chunk data ending in bare CR", post("Transfer-Encoding: chunked\r\n", "3\r\nabc\r0\r\n\r\n"))
                .refused(400));
        all.add(v(
                        "trailer fields are not forwarded",
                        post("Transfer-Encoding: chunked\r\n", "3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"))
                .sees(seen("POST", "/", "abc"))
                .answers(OK));
        all.add(v(
                        "a large chunk in pieces",
                        post("Transfer-Encoding: chunked\r\n", "1000\r\n" + "x".repeat(4096) + "\r\n0\r\n\r\n"))
                .sees(seen("POST", "/", "x".repeat(4096)))
                .answers(OK));

        // --- Bare CR, bare LF, NUL and other controls in heads.
        all.add(v("bare CR inside a field value", get("/", "X: a\rb\r\n")).refused(400));
        all.add(v("bare CR as a line end", "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n")
                .refused(400));
        all.add(v("bare LF line ends are read as CRLF", "GET / HTTP/1.1\nHost: a\nX: b\n\n")
                .sees(seen("GET", "/"))
                .answers(OK));
        all.add(v("NUL in a field value", get("/", "X: a\u0000b\r\n")).refused(400));
        all.add(v("NUL in the target", "GET /a\u0000b HTTP/1.1\r\n" + H + "\r\n")
                .refused(400));
        all.add(v("NUL in a field name", get("/", "X\u0000Y: b\r\n")).refused(400));
        all.add(v("DEL in a field value", get("/", "X: a\u007fb\r\n")).refused(400));
        all.add(v("space in a field name", get("/", "X Y: b\r\n")).refused(400));
        all.add(v("field line without a colon", get("/", "XY\r\n")).refused(400));
        all.add(v("first field line folded", "GET / HTTP/1.1\r\n Host: a\r\n\r\n")
                .refused(400));
        all.add(v("obs-fold in an ordinary field", get("/", "X: a\r\n b\r\n")).refused(400));
        all.add(v("tab in the request line", "GET\t/ HTTP/1.1\r\n" + H + "\r\n").refused(400));

        // --- Request targets, versions and Host.
        all.add(v(
                        "absolute-form: target rewritten, its authority is Host",
                        "GET http://b.example:8080/x?y HTTP/1.1\r\n" + H + "\r\n")
                .sees(seen("GET", "/x?y").host("b.example:8080"))
                .answers(OK));
        all.add(v("absolute-form without a path", "GET http://b.example HTTP/1.1\r\n" + H + "\r\n")
                .sees(seen("GET", "/").host("b.example"))
                .answers(OK));
        all.add(v("absolute-form with userinfo", "GET http://u@b.example/ HTTP/1.1\r\n" + H + "\r\n")
                .refused(400));
        all.add(v("absolute-form with another scheme", "GET ftp://b.example/ HTTP/1.1\r\n" + H + "\r\n")
                .refused(400));
        all.add(v("authority-form on GET", "GET b.example:80 HTTP/1.1\r\n" + H + "\r\n")
                .refused(400));
        all.add(v("authority-form on CONNECT", "CONNECT b.example:443 HTTP/1.1\r\nHost: b.example:443\r\n\r\n")
                .sees()
                .answers("405"));
        all.add(v("asterisk-form on GET", "GET * HTTP/1.1\r\n" + H + "\r\n").refused(400));
        all.add(v("non-ASCII in the target", "GET /caf\u00e9 HTTP/1.1\r\n" + H + "\r\n")
                .refused(400));
        all.add(v("fragment in the target", "GET /a#b HTTP/1.1\r\n" + H + "\r\n")
                .refused(400));
        all.add(v("HTTP/2.0 in a request line", "GET / HTTP/2.0\r\n" + H + "\r\n")
                .refused(505));
        all.add(v("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n").refused(400));
        all.add(v("two Host fields", get("/", "Host: b\r\n")).refused(400));
        all.add(v("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n").refused(400));
        all.add(v("Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n").refused(400));
        all.add(v("HTTP/1.0 without Host gets the service's", "GET / HTTP/1.0\r\n\r\n")
                .sees(seen("GET", "/").host("web"))
                .answers(OK, CLOSED));

        // --- Expect: 100-continue.
        all.add(v(
                        "Expect 100-continue with the body at once",
                        post("Expect: 100-continue\r\nContent-Length: 3\r\n", "abc"))
                .sees(seen("POST", "/", "abc"))
                .answers("100", OK));
        all.add(v("Expect 100-continue, body after the 100", post("Expect: 100-continue\r\nContent-Length: 3\r\n", ""))
                .custom((out, in) -> {
                    RawHttp.Response interim = RawHttp.read(in, false);
                    assertThat(interim).isNotNull();
                    assertThat(interim.status()).isEqualTo(100);
                    out.write("abc".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                })
                .sees(seen("POST", "/", "abc"))
                .answers(OK));
        all.add(v(
                        "Expect 100-continue refused before the body",
                        "POST /expect-417 HTTP/1.1\r\n" + H + "Expect: 100-continue\r\nContent-Length: 3\r\n\r\n")
                .sees(seen("POST", "/expect-417", "<unread>"))
                .answers("417", CLOSED));
        all.add(v(
                        "Expect 100-continue chunked",
                        post("Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n", CHUNKED_ABC))
                .sees(seen("POST", "/", "abc"))
                .answers("100", OK));

        // --- Pipelining.
        all.add(v("three pipelined GETs", get("/1", "") + get("/2", "") + get("/3", ""))
                .sees(seen("GET", "/1"), seen("GET", "/2"), seen("GET", "/3"))
                .answers(OK, OK, OK));
        all.add(v("pipelined POST then GET", post("Content-Length: 3\r\n", "abc") + get("/2", ""))
                .sees(seen("POST", "/", "abc"), seen("GET", "/2"))
                .answers(OK, OK));
        all.add(v(
                        "pipelined chunked POST then GET",
                        post("Transfer-Encoding: chunked\r\n", CHUNKED_ABC) + get("/2", ""))
                .sees(seen("POST", "/", "abc"), seen("GET", "/2"))
                .answers(OK, OK));
        all.add(v("pipelined GET then a malformed request", get("/1", "") + get("/2", "X: a\u0000b\r\n"))
                .sees(seen("GET", "/1"))
                .answers(OK, "400", CLOSED));
        all.add(v("Connection: close ends the pipeline", get("/1", "Connection: close\r\n") + get("/2", ""))
                .sees(seen("GET", "/1"))
                .answers(OK, CLOSED));

        // --- Response framing from the backend.
        all.add(v("HEAD response with a body, then a GET", "HEAD /r/head-body HTTP/1.1\r\n" + H + "\r\n" + get("/", ""))
                .sees(seen("HEAD", "/r/head-body"), seen("GET", "/"))
                .heads(true, false)
                .answers("200", OK)
                .headers("Content-Length: 5"));
        all.add(v(
                        "HEAD response with a chunked body, then a GET",
                        "HEAD /r/head-chunked HTTP/1.1\r\n" + H + "\r\n" + get("/", ""))
                .sees(seen("HEAD", "/r/head-chunked"), seen("GET", "/"))
                .heads(true, false)
                .answers("200", OK)
                .headers("!Transfer-Encoding"));
        all.add(v("100 Continue then 200", get("/r/100", ""))
                .sees(seen("GET", "/r/100"))
                .answers("100", OK));
        all.add(v("103 Early Hints then 200", get("/r/103", ""))
                .sees(seen("GET", "/r/103"))
                .answers("103", OK));
        all.add(v("no 1xx to an HTTP/1.0 client", "GET /r/100 HTTP/1.0\r\n" + H + "\r\n")
                .sees(seen("GET", "/r/100"))
                .answers(OK, CLOSED));
        all.add(v("204 with Content-Length, then a GET", get("/r/204-cl", "") + get("/", ""))
                .sees(seen("GET", "/r/204-cl"), seen("GET", "/"))
                .answers("204", OK)
                .headers("!Content-Length", "!Transfer-Encoding"));
        all.add(v("204 with Transfer-Encoding, then a GET", get("/r/204-te", "") + get("/", ""))
                .sees(seen("GET", "/r/204-te"), seen("GET", "/"))
                .answers("204", OK)
                .headers("!Transfer-Encoding"));
        all.add(v("304 with Content-Length, then a GET", get("/r/304-cl", "") + get("/", ""))
                .sees(seen("GET", "/r/304-cl"), seen("GET", "/"))
                .answers("304", OK)
                .headers("Content-Length: 5"));
        all.add(v("response closes before its Content-Length", get("/r/short-cl", ""))
                .sees(seen("GET", "/r/short-cl"))
                .answers(TRUNCATED));
        all.add(v("response closes right after its head", get("/r/short-cl-empty", ""))
                .sees(seen("GET", "/r/short-cl-empty"))
                .answers("502"));
        all.add(v("response closes inside its chunks", get("/r/short-chunked", ""))
                .sees(seen("GET", "/r/short-chunked"))
                .answers(TRUNCATED));
        all.add(v("response closes inside its head", get("/r/short-head", ""))
                .sees(seen("GET", "/r/short-head"))
                .answers("502"));
        all.add(v("response delimited by close is re-chunked", get("/r/until-close", "") + get("/", ""))
                .sees(seen("GET", "/r/until-close"), seen("GET", "/"))
                .answers("200 all of it", OK)
                .headers("Transfer-Encoding: chunked"));
        all.add(v("response delimited by close to HTTP/1.0", "GET /r/until-close HTTP/1.0\r\n" + H + "\r\n")
                .sees(seen("GET", "/r/until-close"))
                .answers("200 all of it", CLOSED));
        all.add(v("response with Transfer-Encoding and Content-Length", get("/r/te-cl", ""))
                .sees(seen("GET", "/r/te-cl"))
                .answers("502"));
        all.add(v("response TE: chunked, identity", get("/r/chunked-identity", ""))
                .sees(seen("GET", "/r/chunked-identity"))
                .answers("502"));
        all.add(v("response 101 to a request without Upgrade", get("/r/101", ""))
                .sees(seen("GET", "/r/101"))
                .answers("502"));
        all.add(v("response with obs-fold", get("/r/fold", ""))
                .sees(seen("GET", "/r/fold"))
                .answers("502"));
        all.add(v("response with two Content-Lengths", get("/r/cl-twice", ""))
                .sees(seen("GET", "/r/cl-twice"))
                .answers("502"));
        all.add(v("response Content-Length with a sign", get("/r/cl-sign", ""))
                .sees(seen("GET", "/r/cl-sign"))
                .answers("502"));
        all.add(v("HTTP/1.0 response with Transfer-Encoding", get("/r/http10-te", ""))
                .sees(seen("GET", "/r/http10-te"))
                .answers("502"));
        all.add(v("response with a bare CR", get("/r/bare-cr", ""))
                .sees(seen("GET", "/r/bare-cr"))
                .answers("502"));
        all.add(v("response with a NUL", get("/r/nul", ""))
                .sees(seen("GET", "/r/nul"))
                .answers("502"));
        all.add(v("a second response queued behind the first is never delivered", get("/r/queued", "") + get("/", ""))
                .sees(seen("GET", "/r/queued"), seen("GET", "/"))
                .answers(OK, OK));
        all.add(v("backend Connection: close, then the next request", get("/r/close", "") + get("/", ""))
                .sees(seen("GET", "/r/close"), seen("GET", "/"))
                .answers(OK, OK));
        all.add(v("gzip transfer coding to an HTTP/1.0 client", "GET /r/gzip-chunked HTTP/1.0\r\n" + H + "\r\n")
                .sees(seen("GET", "/r/gzip-chunked"))
                .answers("502", CLOSED));
        return all.stream();
    }

    private static final Map<String, String> SCRIPTS = Map.ofEntries(
            Map.entry("/r/conn-cl", "HTTP/1.1 200 OK\r\nConnection: content-length\r\nContent-Length: 3\r\n\r\nabc"),
            Map.entry(
                    "/r/conn-te",
                    "HTTP/1.1 200 OK\r\nConnection: transfer-encoding\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + CHUNKED_ABC),
            Map.entry("/r/gzip-chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" + CHUNKED_ABC),
            Map.entry("/r/head-body", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
            Map.entry("/r/head-chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_ABC),
            Map.entry("/r/100", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
            Map.entry(
                    "/r/103",
                    "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
            Map.entry("/r/204-cl", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"),
            Map.entry("/r/204-te", "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Map.entry("/r/304-cl", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n"),
            Map.entry("/r/short-cl", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
            Map.entry("/r/short-cl-empty", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"),
            Map.entry("/r/short-chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"),
            Map.entry("/r/short-head", "HTTP/1.1 200 OK\r\nContent-Le"),
            Map.entry("/r/until-close", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it"),
            Map.entry(
                    "/r/te-cl",
                    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_ABC),
            Map.entry("/r/chunked-identity", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, identity\r\n\r\nabc"),
            Map.entry("/r/101", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n"),
            Map.entry("/r/fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 2\r\n\r\nok"),
            Map.entry("/r/cl-twice", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok"),
            Map.entry("/r/cl-sign", "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok"),
            Map.entry("/r/http10-te", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_ABC),
            Map.entry("/r/bare-cr", "HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 2\r\n\r\nok"),
            Map.entry("/r/nul", "HTTP/1.1 200 OK\r\nX: a\u0000b\r\nContent-Length: 2\r\n\r\nok"),
            Map.entry(
                    "/r/queued",
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil"),
            Map.entry("/r/close", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"));

    /** Scripted responses after which the backend closes its connection. */
    private static final List<String> CLOSING = List.of(
            "/r/short-cl", "/r/short-cl-empty", "/r/short-chunked", "/r/short-head", "/r/until-close", "/r/close");

    /** The proxy options of the framing tests, this one and the fuzz test. */
    static ProxyOptions options() {
        return ProxyOptions.defaults()
                .withTimeouts(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(5));
    }

    @BeforeAll
    void start() throws Exception {
        backend = new RecordingBackend();
        SCRIPTS.forEach((target, response) -> backend.script(target, response, CLOSING.contains(target)));
        port = TestBackend.freePort();
        proxy = TestBackend.startProxy(
                options(),
                new SimpleMeterRegistry(),
                Map.of(port, new Backend("rec:80", "rec", "127.0.0.1", backend.port())));
    }

    @AfterAll
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void theBackendSeesExactlyWhatTheClientFramedOrNothing(Vector vector) throws Exception {
        await(() -> backend.busy() == 0, "the backend idle before the vector");
        backend.clear();
        List<String> got = new ArrayList<>();
        RawHttp.Response firstFinal = null;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            out.write(vector.request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (vector.custom != null) {
                vector.custom.run(out, in);
            }
            boolean expectEnd = !vector.answers.isEmpty()
                    && (vector.answers.getLast().equals(CLOSED)
                            || vector.answers.getLast().equals(TRUNCATED));
            int finals = 0;
            while (expectEnd || got.size() < vector.answers.size()) {
                RawHttp.Response response;
                try {
                    response = RawHttp.read(in, finals < vector.heads.length && vector.heads[finals]);
                } catch (RawHttp.Truncated e) {
                    got.add(TRUNCATED);
                    break;
                } catch (SocketException e) {
                    got.add(CLOSED); // reset by the proxy
                    break;
                }
                if (response == null) {
                    got.add(CLOSED);
                    break;
                }
                got.add(response.token());
                if (response.status() >= 200) {
                    finals++;
                    if (firstFinal == null) {
                        firstFinal = response;
                    }
                }
                if (got.size() > vector.answers.size() + 2) {
                    break;
                }
            }
        }
        assertThat(got).as("what the client read").isEqualTo(vector.answers);
        for (String check : vector.headers) {
            assertThat(firstFinal).isNotNull();
            if (check.startsWith("!")) {
                assertThat(firstFinal.field(check.substring(1))).as(check).isNull();
            } else {
                String[] nameValue = check.split(": ", 2);
                assertThat(firstFinal.field(nameValue[0])).as(check).isEqualTo(nameValue[1]);
            }
        }
        await(() -> backend.busy() == 0, "the backend done with what it was sent");
        List<RecordingBackend.Recorded> recorded = backend.recorded();
        assertThat(backend.violations()).as("malformed requests the proxy sent").isEmpty();
        assertThat(recorded.stream().map(r -> r.method() + " " + r.target() + " " + r.bodyText()))
                .as("requests the backend parsed")
                .containsExactlyElementsOf(vector.seen.stream()
                        .map(s -> s.method() + " " + s.target() + " " + s.body())
                        .toList());
        for (int i = 0; i < recorded.size(); i++) {
            RecordingBackend.Recorded request = recorded.get(i);
            Seen expected = vector.seen.get(i);
            if (expected.host() != null) {
                assertThat(request.field("Host")).as("Host").isEqualTo(expected.host());
            }
            if (expected.framing() != null) {
                assertThat(request.framing()).as("framing").isEqualTo(expected.framing());
            }
            // The proxy's own forwarding fields are always there, with the client's address right-most.
            assertThat(request.field("X-Forwarded-For")).endsWith("127.0.0.1");
            assertThat(request.field("Forwarded")).contains("for=127.0.0.1");
        }
    }
}
