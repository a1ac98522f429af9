package io.orbit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orbit.engine.routing.Backend;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Differential fuzzing of request framing (issue 13): seeded mutations of request heads (and the bytes after them)
 * go through a real {@link ProxyServer} to the strict {@link RecordingBackend}, and the same bytes through the
 * reference parser — Jetty's {@link HttpParser} in {@link HttpCompliance#RFC9110} mode, fed the original bytes. For
 * every case the backend parsed exactly a prefix of the messages the reference parsed (same method, target, framing
 * and body, in order), and when the prefix is shorter the proxy's last answer on the connection was a refusal (400,
 * or 505 for the version) after which nothing else was answered. Run with {@code -Dorbit.fuzz.seed=N} and
 * {@code -Dorbit.fuzz.cases=N} to explore further; a failure prints the seed and the case's bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestFramingFuzzIT {

    private static final long SEED = Long.getLong("orbit.fuzz.seed", 0x13_5EED_0001L);
    private static final int CASES = Integer.getInteger("orbit.fuzz.cases", 20_000);

    private static final String[] SEEDS = {
        "GET /a?b=c HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "PUT /p HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Content-Length\r\nContent-Length: 3\r\n\r\nabc",
        "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n",
        "GET / HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
        "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi",
        "GET /x HTTP/1.1\r\nHost: a\r\nConnection: Host, X-Forwarded-For\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n",
        "DELETE /d HTTP/1.1\r\nHost: a:8080\r\nContent-Length: 0\r\n\r\nGET /e HTTP/1.1\r\nHost: a\r\n\r\n",
    };

    private static final String[] FIELDS = {
        "Content-Length: 0",
        "Content-Length: 3",
        "Content-Length: 5",
        "Content-Length: 05",
        "Content-Length: +1",
        "Content-Length: 1, 1",
        "Content-Length:  2 ",
        "Transfer-Encoding: chunked",
        "Transfer-Encoding: Chunked",
        "Transfer-Encoding: identity",
        "Transfer-Encoding: chunked, identity",
        "Transfer-Encoding: gzip",
        "Transfer-Encoding:  chunked ",
        "Transfer-Encoding: x, chunked",
        "Transfer-Encoding:\tchunked",
        "Transfer-Encoding : chunked",
        " chunked",
        "\tx",
        "Connection: Content-Length",
        "Connection: close",
        "Connection: Transfer-Encoding, Host",
        "Connection: keep-alive, Upgrade",
        "Upgrade: websocket",
        "Host: b",
        "Host: a:1",
        "Host:",
        "Expect: 100-continue",
        "X: \u000b",
        "X: \u000c",
        "X:\u0000",
        "X-Forwarded-For: 9.9.9.9",
    };

    private static final byte[] BYTES = {
        '\r',
        '\n',
        0,
        ' ',
        '\t',
        0x0b,
        0x0c,
        ',',
        ':',
        ';',
        '=',
        '"',
        '0',
        '1',
        '3',
        '5',
        '9',
        'a',
        'f',
        'x',
        '-',
        '+',
        '/',
        '?',
        '#',
        '*',
        'H',
        (byte) 0x80,
        (byte) 0xff,
        0x7f,
    };

    /** Independent lanes (one listener and one backend each) run the cases in parallel; case i runs on lane i % LANES. */
    private static final int LANES = 4;

    private final List<RecordingBackend> backends = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private ProxyServer proxy;

    /** One message as a parser saw it. */
    record Message(String method, String target, String framing, String body) {
        String describe() {
            return method + " " + target + " " + framing + " " + RecordingBackend.printable(body);
        }
    }

    /** The reference's reading of some bytes: the complete messages in order, and how it stopped. */
    record Reference(List<Message> messages, String end) {}

    @BeforeAll
    void start() throws Exception {
        Map<Integer, Backend> routes = new java.util.HashMap<>();
        for (int lane = 0; lane < LANES; lane++) {
            RecordingBackend backend = new RecordingBackend();
            backends.add(backend);
            int port = TestBackend.freePort();
            while (ports.contains(port)) {
                port = TestBackend.freePort();
            }
            ports.add(port);
            routes.put(port, new Backend("rec" + lane + ":80", "rec" + lane, "127.0.0.1", backend.port()));
        }
        proxy = TestBackend.startProxy(RequestFramingConformanceIT.options(), new SimpleMeterRegistry(), routes);
    }

    @AfterAll
    void stop() throws Exception {
        TestBackend.closeAll(proxy, backends);
    }

    @Test
    void theProxyRefusesOrForwardsExactlyWhatTheReferenceParserReads() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        List<byte[]> cases = new ArrayList<>(CASES);
        for (int i = 0; i < CASES; i++) {
            cases.add(mutate(random, SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.ISO_8859_1)));
        }
        long started = System.nanoTime();
        java.util.concurrent.atomic.AtomicIntegerArray tally = new java.util.concurrent.atomic.AtomicIntegerArray(3);
        try (var lanes = java.util.concurrent.Executors.newFixedThreadPool(LANES)) {
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            for (int lane = 0; lane < LANES; lane++) {
                int l = lane;
                running.add(lanes.submit(() -> {
                    for (int i = l; i < CASES; i += LANES) {
                        check(i, cases.get(i), backends.get(l), ports.get(l), tally);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> lane : running) {
                try {
                    lane.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof AssertionError assertion) {
                        throw assertion;
                    }
                    throw e;
                }
            }
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        int forwarded = tally.get(0);
        int refused = tally.get(1);
        System.out.printf(
                Locale.ROOT,
                "RequestFramingFuzzIT: %d cases (seed %d) in %d ms over %d lanes: %d fully forwarded (%d messages),"
                        + " %d cut by a refusal%n",
                CASES,
                SEED,
                millis,
                LANES,
                forwarded,
                tally.get(2),
                refused);
        assertThat(forwarded + refused).isEqualTo(CASES);
        assertThat(forwarded).as("the mutations leave enough valid requests").isGreaterThan(CASES / 10);
        assertThat(refused).as("the mutations produce enough invalid requests").isGreaterThan(CASES / 10);
    }

    private void check(
            int i,
            byte[] bytes,
            RecordingBackend backend,
            int port,
            java.util.concurrent.atomic.AtomicIntegerArray tally)
            throws Exception {
        Reference reference = reference(bytes);
        Outcome outcome = throughTheProxy(bytes, reference, backend, port);
        String where = "seed " + SEED + " case " + i + ": "
                + RecordingBackend.printable(new String(bytes, StandardCharsets.ISO_8859_1)) + "\nreference: "
                + reference.messages().stream().map(Message::describe).toList() + " then " + reference.end()
                + "\nclient read: " + outcome.statuses();
        assertThat(outcome.violations()).as(where).isEmpty();
        List<String> seen = outcome.seen().stream().map(Message::describe).toList();
        List<String> expected =
                reference.messages().stream().map(Message::describe).toList();
        assertThat(seen.size()).as(where + "\nbackend: " + seen).isLessThanOrEqualTo(expected.size());
        assertThat(seen).as(where).isEqualTo(expected.subList(0, seen.size()));
        boolean cut = seen.size() < expected.size() || reference.end().startsWith("400");
        if (cut) {
            assertThat(outcome.statuses()).as(where).isNotEmpty();
            assertThat(outcome.statuses().getLast()).as(where).isIn(400, 505);
            tally.incrementAndGet(1);
        } else {
            tally.incrementAndGet(0);
        }
        tally.addAndGet(2, seen.size());
    }

    record Outcome(List<Message> seen, List<Integer> statuses, List<String> violations) {}

    /** Sends the bytes on a fresh connection, half-closes it, reads every answer until the proxy closes. */
    private static Outcome throughTheProxy(byte[] bytes, Reference reference, RecordingBackend backend, int port)
            throws Exception {
        awaitIdle(backend);
        backend.clear();
        byte[] answers;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(read);
            } catch (SocketException e) {
                // reset after the answers: what arrived counts
            }
            answers = read.toByteArray();
        }
        // Everything the backend parsed completely was answered before the proxy closed the client connection.
        awaitIdle(backend);
        List<Message> seen = new ArrayList<>();
        for (RecordingBackend.Recorded r : backend.recorded()) {
            seen.add(new Message(r.method(), r.target(), r.framing(), r.bodyText()));
        }
        List<Integer> statuses = new ArrayList<>();
        InputStream in = new ByteArrayInputStream(answers);
        int finals = 0;
        while (true) {
            boolean head = finals < reference.messages().size()
                    && reference.messages().get(finals).method().equals("HEAD");
            RawHttp.Response response;
            try {
                response = RawHttp.read(in, head);
            } catch (RawHttp.Truncated e) {
                break;
            }
            if (response == null) {
                break;
            }
            statuses.add(response.status());
            if (response.status() >= 200) {
                finals++;
            }
        }
        return new Outcome(seen, statuses, backend.violations());
    }

    /** Polls (with a deadline) until the backend has handled everything it was sent; often already true. */
    private static void awaitIdle(RecordingBackend backend) {
        Awaitility.await("the backend to finish what it was sent")
                .atMost(Duration.ofSeconds(10))
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofNanos(50_000))
                .until(() -> backend.busy() == 0);
    }

    /** The reference parser over the original bytes: Jetty's HttpParser, RFC 9110 compliance, message after message. */
    static Reference reference(byte[] bytes) {
        ReferenceHandler handler = new ReferenceHandler();
        HttpParser parser = new HttpParser(handler, 8192, HttpCompliance.RFC9110);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        List<Message> messages = new ArrayList<>();
        while (true) {
            int before = buffer.remaining();
            parser.parseNext(buffer);
            if (handler.bad != null) {
                return new Reference(messages, handler.bad.getCode() + " " + handler.bad.getReason());
            }
            if (handler.earlyEof) {
                return new Reference(messages, "400 bad body");
            }
            if (handler.complete) {
                messages.add(handler.message(parser));
                if (handler.closes()) {
                    return new Reference(messages, "closed"); // nothing after it is read (RFC 9112 §9.3, §9.6)
                }
                handler.reset();
                parser.reset();
                continue;
            }
            if (!buffer.hasRemaining() || buffer.remaining() == before) {
                return new Reference(messages, "incomplete");
            }
        }
    }

    private static final class ReferenceHandler implements HttpParser.RequestHandler {
        String method = "";
        String target = "";
        HttpVersion version = HttpVersion.HTTP_1_1;
        final List<HttpField> fields = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean complete;
        boolean earlyEof;
        HttpException bad;

        void reset() {
            fields.clear();
            body.reset();
            complete = false;
        }

        Message message(HttpParser parser) {
            String framing;
            if (parser.isChunking()) {
                List<String> codings = new ArrayList<>();
                for (HttpField field : fields) {
                    if (field.getHeader() == HttpHeader.TRANSFER_ENCODING) {
                        for (String coding : field.getValue().split(",")) {
                            if (!coding.isBlank()) {
                                codings.add(coding.strip());
                            }
                        }
                    }
                }
                codings.set(codings.size() - 1, "chunked");
                framing = "te:" + String.join(", ", codings);
            } else if (parser.getContentLength() >= 0) {
                framing = "cl:" + parser.getContentLength();
            } else {
                framing = "none";
            }
            return new Message(method, target, framing, body.toString(StandardCharsets.ISO_8859_1));
        }

        boolean closes() {
            boolean close = false;
            boolean keepAlive = false;
            for (HttpField field : fields) {
                if (field.getHeader() == HttpHeader.CONNECTION) {
                    for (String token : field.getValue().split(",")) {
                        close |= token.strip().equalsIgnoreCase("close");
                        keepAlive |= token.strip().equalsIgnoreCase("keep-alive");
                    }
                }
            }
            return close || (version == HttpVersion.HTTP_1_0 && !keepAlive);
        }

        @Override
        public void startRequest(String method, String uri, HttpVersion version) {
            this.method = method;
            this.target = uri;
            this.version = version;
        }

        @Override
        public void parsedHeader(HttpField field) {
            fields.add(field);
        }

        @Override
        public boolean headerComplete() {
            return false;
        }

        @Override
        public boolean content(ByteBuffer content) {
            byte[] data = new byte[content.remaining()];
            content.get(data);
            body.writeBytes(data);
            return false;
        }

        @Override
        public boolean contentComplete() {
            return false;
        }

        @Override
        public boolean messageComplete() {
            complete = true;
            return true;
        }

        @Override
        public void earlyEOF() {
            earlyEof = true;
        }

        @Override
        public void badMessage(HttpException failure) {
            bad = failure;
        }
    }

    /** One to three mutations from the interesting bytes and field lines above. */
    static byte[] mutate(SplittableRandom random, byte[] seed) {
        byte[] bytes = seed;
        int count = 1 + random.nextInt(3);
        for (int m = 0; m < count; m++) {
            bytes = mutateOnce(random, bytes);
        }
        return bytes.length == 0 ? seed : bytes;
    }

    private static byte[] mutateOnce(SplittableRandom random, byte[] bytes) {
        int position = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 48);
        switch (random.nextInt(8)) {
            case 0 -> { // insert an interesting byte
                out.write(bytes, 0, position);
                out.write(BYTES[random.nextInt(BYTES.length)]);
                out.write(bytes, position, bytes.length - position);
            }
            case 1 -> { // replace a byte
                out.write(bytes, 0, bytes.length);
                byte[] copy = out.toByteArray();
                if (copy.length > 0) {
                    copy[position] = BYTES[random.nextInt(BYTES.length)];
                }
                return copy;
            }
            case 2 -> { // delete one to four bytes
                int end = Math.min(bytes.length, position + 1 + random.nextInt(4));
                out.write(bytes, 0, position);
                out.write(bytes, end, bytes.length - end);
            }
            case 3, 4 -> { // insert a field line after the first line break at or after the position
                int lineEnd = indexOf(bytes, (byte) '\n', position);
                if (lineEnd < 0) {
                    lineEnd = indexOf(bytes, (byte) '\n', 0);
                }
                int at = lineEnd < 0 ? bytes.length : lineEnd + 1;
                out.write(bytes, 0, at);
                out.writeBytes((FIELDS[random.nextInt(FIELDS.length)] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(bytes, at, bytes.length - at);
            }
            case 5 -> { // change the case of a letter
                out.write(bytes, 0, bytes.length);
                byte[] copy = out.toByteArray();
                if (copy.length > 0 && Character.isLetter(copy[position])) {
                    copy[position] ^= 0x20;
                }
                return copy;
            }
            case 6 -> { // a digit changed
                out.write(bytes, 0, bytes.length);
                byte[] copy = out.toByteArray();
                for (int i = 0; i < copy.length; i++) {
                    int j = (position + i) % copy.length;
                    if (copy[j] >= '0' && copy[j] <= '9') {
                        copy[j] = (byte) ('0' + random.nextInt(10));
                        break;
                    }
                }
                return copy;
            }
            default -> { // duplicate a line
                int start = position;
                while (start > 0 && bytes[start - 1] != '\n') {
                    start--;
                }
                int end = indexOf(bytes, (byte) '\n', position);
                end = end < 0 ? bytes.length : end + 1;
                out.write(bytes, 0, end);
                out.write(bytes, start, end - start);
                out.write(bytes, end, bytes.length - end);
            }
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
