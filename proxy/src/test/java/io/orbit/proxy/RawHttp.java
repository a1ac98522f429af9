package io.orbit.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** A strict reader of the proxy's responses on a raw socket, for tests that speak bytes to the proxy. */
final class RawHttp {

    private RawHttp() {}

    /** A response as the client read it. */
    record Response(int status, List<String[]> fields, String body) {

        @Nullable
        String field(String name) {
            for (String[] field : fields) {
                if (field[0].equalsIgnoreCase(name)) {
                    return field[1];
                }
            }
            return null;
        }

        /** "200 ok" for a response with a body from the backend, the bare status otherwise. */
        String token() {
            return body.isEmpty() || status >= 400 ? Integer.toString(status) : status + " " + body;
        }
    }

    /** The connection ended in the middle of a response. */
    static final class Truncated extends IOException {
        private static final long serialVersionUID = 1L;

        Truncated(String message) {
            super(message);
        }
    }

    /** Reads one response, or returns null at a clean end of stream before its first byte. */
    @Nullable
    static Response read(InputStream in, boolean headRequest) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        String statusLine = line(in, first);
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new IOException("bad status line from the proxy: " + RecordingBackend.printable(statusLine));
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        List<String[]> fields = new ArrayList<>();
        String contentLength = null;
        String transferEncoding = null;
        boolean close = false;
        while (true) {
            String line = line(in, -1);
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad field line from the proxy: " + RecordingBackend.printable(line));
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            fields.add(new String[] {name, value});
            switch (name.toLowerCase(Locale.ROOT)) {
                case "content-length" -> {
                    if (contentLength != null) {
                        throw new IOException("two Content-Length fields from the proxy");
                    }
                    contentLength = value;
                }
                case "transfer-encoding" -> transferEncoding = value;
                case "connection" -> close |= value.toLowerCase(Locale.ROOT).contains("close");
                default -> {}
            }
        }
        if (contentLength != null && transferEncoding != null) {
            throw new IOException("Content-Length and Transfer-Encoding from the proxy");
        }
        if (headRequest || status < 200 || status == 204 || status == 304) {
            return new Response(status, fields, "");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (transferEncoding != null) {
            if (!transferEncoding.toLowerCase(Locale.ROOT).endsWith("chunked")) {
                throw new IOException("Transfer-Encoding without chunked last from the proxy: " + transferEncoding);
            }
            while (true) {
                String sizeLine = line(in, -1);
                int size = Integer.parseInt(sizeLine, 16);
                if (size == 0) {
                    if (!line(in, -1).isEmpty()) {
                        throw new IOException("trailer fields from the proxy");
                    }
                    break;
                }
                byte[] data = in.readNBytes(size);
                if (data.length < size) {
                    throw new Truncated("chunk cut short");
                }
                body.write(data);
                if (!line(in, -1).isEmpty()) {
                    throw new IOException("chunk longer than its size from the proxy");
                }
            }
        } else if (contentLength != null) {
            int length = Integer.parseInt(contentLength);
            byte[] data = in.readNBytes(length);
            if (data.length < length) {
                throw new Truncated("body cut short: " + data.length + " of " + length);
            }
            body.write(data);
        } else {
            if (!close) {
                throw new IOException("a response without framing on a connection that stays open");
            }
            body.write(in.readAllBytes());
        }
        return new Response(status, fields, body.toString(StandardCharsets.ISO_8859_1));
    }

    private static String line(InputStream in, int first) throws IOException {
        StringBuilder line = new StringBuilder();
        int b = first >= 0 ? first : in.read();
        while (true) {
            if (b < 0) {
                throw new Truncated("connection closed mid-line after: " + RecordingBackend.printable(line.toString()));
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("bare CR from the proxy");
                }
                return line.toString();
            }
            if (b == '\n') {
                throw new IOException("bare LF from the proxy");
            }
            line.append((char) b);
            b = in.read();
        }
    }

    /** The bytes up to and including the blank line that ends a head, or fewer if the stream ended first. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    /**
     * Loosely, for tests that only look at the text: a head with Content-Length and its body, or what arrived before
     * the close or reset ("" if nothing). A read timeout is a failure: neither an answer nor a close came.
     */
    static String headAndBody(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException timeout) {
                throw new AssertionError("no answer and no close in time; read so far: " + head, timeout);
            } catch (IOException reset) {
                return head.toString();
            }
            if (b < 0) {
                return head.toString();
            }
            head.append((char) b);
        }
        int length = head.toString()
                .lines()
                .filter(line -> line.regionMatches(true, 0, "Content-Length:", 0, 15))
                .mapToInt(line -> Integer.parseInt(line.substring(15).trim()))
                .findFirst()
                .orElse(0);
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    /** -1 once the proxy closed the channel, 0 while it is open and silent, else the bytes received. */
    static int probe(SocketChannel channel) {
        try {
            channel.configureBlocking(false);
            return channel.read(ByteBuffer.allocate(64));
        } catch (IOException reset) {
            return -1;
        }
    }
}
