package io.orbit.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A raw-socket HTTP/1.1 origin on 127.0.0.1 that records every request it parses — method, target, fields, framing
 * and body — and is strict about what the proxy sends it: CRLF line endings only, token field names, no control
 * characters, exactly one framing (Content-Length digits or Transfer-Encoding ending in chunked, never both), strict
 * chunk lines. Anything else is a {@link #violations() violation} and closes the connection: the proxy must never
 * produce it.
 *
 * <p>It answers {@code 200 ok} with a Content-Length, sends {@code 100 Continue} before reading a body the request
 * expects it for, and answers targets registered with {@link #script} with their raw bytes (and a close when asked),
 * to test how the proxy frames backend responses. A request whose connection ends before its body does is not
 * recorded.
 */
final class RecordingBackend implements AutoCloseable {

    /** A request as the backend parsed it; {@code body} is null when the backend answered without reading it. */
    record Recorded(String method, String target, List<String[]> fields, String framing, byte @Nullable [] body) {

        @Nullable
        String field(String name) {
            String value = null;
            for (String[] field : fields) {
                if (field[0].equalsIgnoreCase(name)) {
                    value = value == null ? field[1] : value + ", " + field[1];
                }
            }
            return value;
        }

        String bodyText() {
            return body == null ? "<unread>" : new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    record Script(byte[] response, boolean close) {}

    private static final class Violation extends Exception {
        private static final long serialVersionUID = 1L;

        Violation(String message) {
            super(message, null, false, false);
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean closed;

    RecordingBackend() throws IOException {
        server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("recording-backend").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    List<Recorded> recorded() {
        return List.copyOf(recorded);
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    void clear() {
        recorded.clear();
        violations.clear();
    }

    /** Connections in the middle of a request or response (0 when everything sent to it was handled). */
    int busy() {
        return busy.get();
    }

    void script(String target, String rawResponse, boolean close) {
        scripts.put(target, new Script(rawResponse.getBytes(StandardCharsets.ISO_8859_1), close));
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                int first = in.read();
                if (first < 0) {
                    return;
                }
                busy.incrementAndGet();
                try {
                    if (!exchange(first, in, out)) {
                        return;
                    }
                } finally {
                    busy.decrementAndGet();
                }
            }
        } catch (Violation v) {
            violations.add(v.getMessage());
        } catch (IOException e) {
            // the proxy closed the connection: a request cut short is not recorded
        } finally {
            sockets.remove(socket);
        }
    }

    /** One request and its response; false when the connection is to be closed. */
    private boolean exchange(int first, InputStream in, OutputStream out) throws IOException, Violation {
        String requestLine = line(in, first);
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || !parts[2].equals("HTTP/1.1") || !isToken(parts[0]) || parts[1].isEmpty()) {
            throw new Violation("bad request line: " + printable(requestLine));
        }
        for (char c : parts[1].toCharArray()) {
            if (c < 0x21 || c > 0x7e) {
                throw new Violation("bad request-target: " + printable(parts[1]));
            }
        }
        List<String[]> fields = new ArrayList<>();
        int headBytes = requestLine.length();
        while (true) {
            String line = line(in, -1);
            headBytes += line.length() + 2;
            if (headBytes > 64 * 1024) {
                throw new Violation("request head too large");
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new Violation("bad field line: " + printable(line));
            }
            String value = line.substring(colon + 1).strip();
            for (char c : value.toCharArray()) {
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new Violation("control character in field: " + printable(line));
                }
            }
            fields.add(new String[] {line.substring(0, colon), value});
        }
        String contentLength = null;
        String transferEncoding = null;
        int hosts = 0;
        for (String[] field : fields) {
            switch (field[0].toLowerCase(Locale.ROOT)) {
                case "content-length" -> {
                    if (contentLength != null) {
                        throw new Violation("two Content-Length fields");
                    }
                    contentLength = field[1];
                }
                case "transfer-encoding" ->
                    transferEncoding = transferEncoding == null ? field[1] : transferEncoding + ", " + field[1];
                case "host" -> hosts++;
                default -> {}
            }
        }
        if (hosts != 1) {
            throw new Violation(hosts + " Host fields");
        }
        if (contentLength != null && transferEncoding != null) {
            throw new Violation("both Content-Length and Transfer-Encoding");
        }
        String framing;
        long length = 0;
        boolean chunked = false;
        if (transferEncoding != null) {
            String[] codings = transferEncoding.split(",");
            if (!codings[codings.length - 1].strip().equalsIgnoreCase("chunked")) {
                throw new Violation("Transfer-Encoding not ending in chunked: " + transferEncoding);
            }
            framing = "te:" + transferEncoding;
            chunked = true;
        } else if (contentLength != null) {
            if (contentLength.isEmpty()
                    || contentLength.length() > 18
                    || !contentLength.chars().allMatch(Character::isDigit)) {
                throw new Violation("bad Content-Length: " + contentLength);
            }
            length = Long.parseLong(contentLength);
            framing = "cl:" + length;
        } else {
            framing = "none";
        }
        String method = parts[0];
        String target = parts[1];
        Recorded request = new Recorded(method, target, List.copyOf(fields), framing, null);
        if (target.equals("/expect-417")) {
            // Answers before the body, like a server refusing the expectation, and closes (the body is unread).
            recorded.add(request);
            out.write("HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return false;
        }
        String expect = request.field("Expect");
        if (expect != null && expect.equalsIgnoreCase("100-continue") && (chunked || length > 0)) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        byte[] body = chunked ? chunkedBody(in) : fixedBody(in, length);
        recorded.add(new Recorded(method, target, List.copyOf(fields), framing, body));
        Script script = scripts.get(target);
        if (script != null) {
            out.write(script.response());
            out.flush();
            return !script.close();
        }
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return true;
    }

    private static byte[] fixedBody(InputStream in, long length) throws IOException {
        if (length > 64 * 1024 * 1024) {
            throw new IOException("body too large for a test");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new IOException("body cut short");
        }
        return body;
    }

    private static byte[] chunkedBody(InputStream in) throws IOException, Violation {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in, -1);
            int end = sizeLine.indexOf(';');
            String hex = end < 0 ? sizeLine : sizeLine.substring(0, end);
            if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new Violation("bad chunk size line: " + printable(sizeLine));
            }
            int size = Integer.parseInt(hex, 16);
            if (size == 0) {
                while (!line(in, -1).isEmpty()) {
                    // trailer fields are accepted and dropped
                }
                return body.toByteArray();
            }
            byte[] data = in.readNBytes(size);
            if (data.length < size) {
                throw new IOException("chunk cut short");
            }
            body.write(data);
            if (!line(in, -1).isEmpty()) {
                throw new Violation("chunk data longer than its size");
            }
        }
    }

    /** A line ending in CRLF (a bare CR or LF is a violation); {@code first} is an already read byte or -1. */
    private static String line(InputStream in, int first) throws IOException, Violation {
        StringBuilder line = new StringBuilder();
        int b = first >= 0 ? first : in.read();
        while (true) {
            if (b < 0) {
                throw new IOException("connection closed mid-line");
            }
            if (b == '\n') {
                throw new Violation("bare LF after: " + printable(line.toString()));
            }
            if (b == '\r') {
                int next = in.read();
                if (next != '\n') {
                    throw new Violation("bare CR after: " + printable(line.toString()));
                }
                return line.toString();
            }
            if (b == 0) {
                throw new Violation("NUL after: " + printable(line.toString()));
            }
            line.append((char) b);
            if (line.length() > 64 * 1024) {
                throw new Violation("line too long");
            }
            b = in.read();
        }
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (char c : s.toCharArray()) {
            boolean ok = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c >= 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
