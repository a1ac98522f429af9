package io.orbit.proxy.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.jspecify.annotations.Nullable;

/**
 * Writes the two heads the proxy produces — proxyToServerRequest and proxyToClientResponse — from the parsed heads it
 * received: hop-by-hop fields dropped (RFC 9110 §7.6.1: Connection and every field it names, Keep-Alive,
 * Proxy-Connection, TE, Transfer-Encoding, Upgrade, plus Trailer because trailers are not forwarded) — except that a
 * Connection token never names Content-Length, Transfer-Encoding, Host, Upgrade or the forwarding fields
 * ({@link RequestFraming#protectedFromConnection}) — framing, target and Host restated from the parse, and {@code X-Forwarded-For/-Proto/-Host} plus {@code Forwarded} (RFC 7239) added to requests.
 *
 * <p>Pure functions over a heap {@link ByteBuffer} in fill mode; {@link java.nio.BufferOverflowException} when the
 * head does not fit.
 *
 * <p>Longer than 300 lines: every field of both heads and the byte writers they share (text, decimal and hex without
 * a String per request), in one place.
 */
public final class Heads {

    private static final byte[] CRLF = {'\r', '\n'};

    private Heads() {}

    /** The parsed pieces of a head's {@code Connection} field: the tokens that name more hop-by-hop fields. */
    public record ConnectionTokens(boolean close, boolean keepAlive, boolean upgrade, List<String> named) {
        public static final ConnectionTokens NONE = new ConnectionTokens(false, false, false, List.of());
        private static final ConnectionTokens CLOSE = new ConnectionTokens(true, false, false, List.of());
        private static final ConnectionTokens KEEP_ALIVE = new ConnectionTokens(false, true, false, List.of());
        private static final ConnectionTokens UPGRADE = new ConnectionTokens(false, false, true, List.of());

        public static ConnectionTokens of(List<HttpField> fields) {
            ConnectionTokens tokens = NONE;
            for (int i = 0, size = fields.size(); i < size; i++) {
                HttpField field = fields.get(i);
                if (field.getHeader() == HttpHeader.CONNECTION) {
                    tokens = tokens == NONE ? single(field.getValue()) : tokens.merge(field.getValue());
                }
            }
            return tokens;
        }

        /** The usual single-token values without allocating. */
        private static ConnectionTokens single(String value) {
            if (value.equalsIgnoreCase("keep-alive")) {
                return KEEP_ALIVE;
            }
            if (value.equalsIgnoreCase("close")) {
                return CLOSE;
            }
            if (value.equalsIgnoreCase("upgrade")) {
                return UPGRADE;
            }
            return NONE.merge(value);
        }

        private ConnectionTokens merge(String value) {
            boolean close = this.close;
            boolean keepAlive = this.keepAlive;
            boolean upgrade = this.upgrade;
            List<String> named = new java.util.ArrayList<>(this.named);
            for (String raw : value.split(",")) {
                String token = raw.trim().toLowerCase(Locale.ROOT);
                switch (token) {
                    case "" -> {}
                    case "close" -> close = true;
                    case "keep-alive" -> keepAlive = true;
                    case "upgrade" -> upgrade = true;
                    default -> {
                        // Framing, routing and the proxy's own fields stay whatever a token says (RFC 9110 §7.6.1
                        // forbids listing fields meant for all recipients; honouring it would let a client strip
                        // Content-Length from the forwarded head while its body still follows).
                        if (!RequestFraming.protectedFromConnection(token)) {
                            named.add(token);
                        }
                    }
                }
            }
            return new ConnectionTokens(close, keepAlive, upgrade, List.copyOf(named));
        }

        boolean names(HttpField field) {
            if (named.isEmpty()) {
                return false;
            }
            String name = field.getLowerCaseName();
            for (String token : named) {
                if (token.equals(name)) {
                    return true;
                }
            }
            return false;
        }
    }

    public static boolean isHopByHop(HttpField field, ConnectionTokens tokens) {
        HttpHeader header = field.getHeader();
        if (header != null) {
            switch (header) {
                case CONNECTION, KEEP_ALIVE, PROXY_CONNECTION, TE, TRANSFER_ENCODING, UPGRADE, TRAILER -> {
                    return true;
                }
                default -> {}
            }
        }
        return tokens.names(field);
    }

    /** The client side of a proxied request, as the proxy identifies it in forwarding headers. */
    public static final class Client {
        private final String address;
        private final String proto;
        private final String forwardedPrefix;
        private @Nullable String lastHost;
        private String lastElement = "";

        public Client(String address, String proto) {
            this.address = address;
            this.proto = proto;
            // RFC 7239 §6: an IPv6 address is bracketed and quoted.
            this.forwardedPrefix =
                    "for=" + (address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : address) + ";host=\"";
        }

        public String address() {
            return address;
        }

        public String proto() {
            return proto;
        }

        /** The RFC 7239 element for a request to {@code host}; cached, a connection's requests share their host. */
        String forwardedElement(String host) {
            if (!host.equals(lastHost)) {
                lastElement = forwardedPrefix + host + "\";proto=" + proto;
                lastHost = host;
            }
            return lastElement;
        }
    }

    /**
     * @param target the request-target to send (origin-form, or {@code *})
     * @param host the {@code Host} to send (see {@link RequestFraming#host()})
     * @param upgrade the value of the client's {@code Upgrade} field when the request asks for one, else null
     * @param transferCodings null when the body is not chunked, else the codings applied before {@code chunked}
     * @param contentLength the body length to declare, or -1 for none
     */
    public static void writeRequestHead(
            ByteBuffer out,
            String method,
            String target,
            String host,
            List<HttpField> fields,
            ConnectionTokens tokens,
            Client client,
            @Nullable String upgrade,
            @Nullable String transferCodings,
            long contentLength) {
        put(out, method);
        out.put((byte) ' ');
        put(out, target);
        put(out, " HTTP/1.1\r\n");
        putField(out, "Host", host);
        String forwardedFor = null;
        String forwarded = null;
        for (int i = 0, size = fields.size(); i < size; i++) {
            HttpField field = fields.get(i);
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.X_FORWARDED_FOR) {
                forwardedFor = forwardedFor == null ? field.getValue() : forwardedFor + ", " + field.getValue();
                continue;
            }
            if (header == HttpHeader.FORWARDED) {
                forwarded = forwarded == null ? field.getValue() : forwarded + ", " + field.getValue();
                continue;
            }
            if (header == HttpHeader.X_FORWARDED_PROTO
                    || header == HttpHeader.X_FORWARDED_HOST
                    || header == HttpHeader.HOST
                    || header == HttpHeader.CONTENT_LENGTH) {
                continue; // restated below from what the proxy decided
            }
            if (!isHopByHop(field, tokens)) {
                putField(out, field);
            }
        }
        putField(
                out,
                "X-Forwarded-For",
                forwardedFor == null ? client.address() : forwardedFor + ", " + client.address());
        putField(out, "X-Forwarded-Proto", client.proto());
        putField(out, "X-Forwarded-Host", host);
        String element = client.forwardedElement(host);
        putField(out, "Forwarded", forwarded == null ? element : forwarded + ", " + element);
        writeFraming(out, upgrade, transferCodings, contentLength);
    }

    /** The framing of the body that follows, as the proxy parsed it: never the client's own fields. */
    private static void writeFraming(
            ByteBuffer out, @Nullable String upgrade, @Nullable String transferCodings, long contentLength) {
        if (transferCodings != null) {
            put(out, "Transfer-Encoding: ");
            if (!transferCodings.isEmpty()) {
                put(out, transferCodings);
                put(out, ", ");
            }
            put(out, "chunked\r\n");
        } else if (contentLength >= 0) {
            putContentLength(out, contentLength);
        }
        if (upgrade != null) {
            put(out, "Connection: Upgrade\r\n");
            putField(out, "Upgrade", upgrade);
        }
        out.put(CRLF);
    }

    /** A response the proxy makes itself: a short text body, {@code Retry-After} when given. */
    public static void writeErrorResponse(
            ByteBuffer out, int status, String body, long retryAfterSeconds, boolean close) {
        putStatusLine(out, status, null);
        put(out, "Content-Type: text/plain; charset=utf-8\r\n");
        putField(out, "Content-Length", Integer.toString(body.length()));
        put(out, "Cache-Control: no-store\r\n");
        if (retryAfterSeconds >= 0) {
            putField(out, "Retry-After", Long.toString(retryAfterSeconds));
        }
        if (close) {
            put(out, "Connection: close\r\n");
        }
        out.put(CRLF);
        put(out, body);
    }

    private static void putStatusLine(ByteBuffer out, int status, @Nullable String reason) {
        put(out, "HTTP/1.1 ");
        out.put((byte) ('0' + status / 100 % 10));
        out.put((byte) ('0' + status / 10 % 10));
        out.put((byte) ('0' + status % 10));
        out.put((byte) ' ');
        put(out, reason == null || reason.isEmpty() ? HttpStatus.getMessage(status) : reason);
        out.put(CRLF);
    }

    private static void putField(ByteBuffer out, HttpField field) {
        putField(out, field.getName(), field.getValue());
    }

    private static void putField(ByteBuffer out, String name, String value) {
        put(out, name);
        out.put((byte) ':');
        out.put((byte) ' ');
        put(out, value);
        out.put(CRLF);
    }

    /** The line {@code Content-Length: N}, without the String a concatenation would allocate per message. */
    static void putContentLength(ByteBuffer out, long length) {
        put(out, "Content-Length: ");
        putDecimal(out, length);
        out.put(CRLF);
    }

    /** A chunk's size line ({@code 1a2b CRLF}), without a String per chunk. */
    static void putChunkSize(ByteBuffer out, long size) {
        putHex(out, size);
        out.put(CRLF);
    }

    /** {@code value} (0 or more) in decimal. */
    static void putDecimal(ByteBuffer out, long value) {
        putDigits(out, value, 10);
    }

    /** {@code value} (0 or more) in lower-case hexadecimal. */
    static void putHex(ByteBuffer out, long value) {
        putDigits(out, value, 16);
    }

    private static void putDigits(ByteBuffer out, long value, int radix) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        int digits = 1;
        for (long rest = value / radix; rest > 0; rest /= radix) {
            digits++;
        }
        if (out.remaining() < digits) {
            throw new java.nio.BufferOverflowException();
        }
        int start = out.position();
        long rest = value;
        for (int at = start + digits - 1; at >= start; at--) {
            out.put(at, (byte) Character.forDigit((int) (rest % radix), radix));
            rest /= radix;
        }
        out.position(start + digits);
    }

    /** ISO-8859-1, as HTTP/1.1 fields are; the parser rejected CR, LF and NUL already. */
    static void put(ByteBuffer out, String text) {
        int length = text.length();
        if (out.hasArray()) {
            if (out.remaining() < length) {
                throw new java.nio.BufferOverflowException();
            }
            byte[] array = out.array();
            int offset = out.arrayOffset() + out.position();
            for (int i = 0; i < length; i++) {
                array[offset + i] = (byte) text.charAt(i);
            }
            out.position(out.position() + length);
        } else {
            for (int i = 0; i < length; i++) {
                out.put((byte) text.charAt(i));
            }
        }
    }
}
