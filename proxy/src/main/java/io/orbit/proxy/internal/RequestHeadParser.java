package io.orbit.proxy.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.util.HostPort;
import org.jspecify.annotations.Nullable;

/**
 * The fast path of clientToProxyRequest parsing: the common head is parsed here in one pass over a heap copy, and the
 * fields a keep-alive client repeats (Host, User-Agent, Accept...) are reused from its previous request instead of
 * allocated again — the work Jetty's {@code HttpParser} spends in its per-connection field trie.
 *
 * <p>It takes only a head that is whole in the buffer and plainly valid: a known method (not CONNECT), one space, a
 * request-target of ASCII VCHARs, one space, {@code HTTP/1.1} or {@code HTTP/1.0}, then fields whose names are tokens
 * followed at once by a colon and whose values are non-empty runs of VCHAR, SP and HTAB, every line ended by CR LF,
 * the whole within the head limit; a Host that Jetty's own {@code HostPortHttpField} accepts, at most one, and present
 * in HTTP/1.1. It declines anything else, and always a body's framing fields (Content-Length, Transfer-Encoding), so
 * that every request with a body, and every head that is partial, odd or hostile (obs-fold, bare LF or CR, controls,
 * obs-text, whitespace before a colon, a duplicate Host), goes to Jetty's strict parser exactly as before. What it
 * accepts, Jetty accepts with the same method, target, version and fields ({@code RequestHeadParserTest} runs both on
 * generated heads); a declined head costs one scan of the bytes it looked at.
 *
 * <p>Not thread-safe: owned by one client connection, used under its monitor.
 */
final class RequestHeadParser {

    /** Field lines remembered per connection, by position in the head, and the longest line remembered. */
    static final int CACHED_FIELDS = 16;

    static final int CACHED_LINE_BYTES = 256;

    private static final String[] METHODS = {
        HttpMethod.GET.asString(),
        HttpMethod.HEAD.asString(),
        HttpMethod.POST.asString(),
        HttpMethod.PUT.asString(),
        HttpMethod.DELETE.asString(),
        HttpMethod.OPTIONS.asString(),
        HttpMethod.PATCH.asString(),
        HttpMethod.TRACE.asString()
    };

    /** The previous heads' field lines (name to the value's last byte) and the fields made of them. */
    private final byte[][] lines = new byte[CACHED_FIELDS][];

    private final HttpField[] fields = new HttpField[CACHED_FIELDS];
    private byte @Nullable [] targetBytes;
    private String target = "";

    // The head just parsed.
    private String method = "";
    private HttpVersion version = HttpVersion.HTTP_1_1;

    String method() {
        return method;
    }

    String target() {
        return target;
    }

    HttpVersion version() {
        return version;
    }

    /**
     * Parses the head at {@code in}'s position when it takes it.
     *
     * @return true when parsed: {@code in} is positioned after the head, {@code out} holds its fields in order; false
     *     when declined: {@code in} and {@code out} are as they were (out empty)
     */
    boolean parse(ByteBuffer in, int maxHeadBytes, List<HttpField> out) {
        out.clear();
        if (parseInto(in, maxHeadBytes, out)) {
            return true;
        }
        out.clear();
        return false;
    }

    private boolean parseInto(ByteBuffer in, int maxHeadBytes, List<HttpField> out) {
        int start = in.position();
        // Strictly inside Jetty's limit, so that Jetty would not answer 431 to what is taken here.
        int window = Math.min(in.limit() - start, maxHeadBytes - 2);
        int headEnd = HeadBytes.findHeadEnd(in, start, start + window);
        if (headEnd < 0) {
            return false; // partial or too large: Jetty's parser reads it incrementally, or refuses it
        }
        int end = headEnd - start;
        byte[] h = HeadBytes.scratch(maxHeadBytes + 4);
        in.get(start, h, 0, end);
        String parsedMethod = method(h, end);
        if (parsedMethod == null) {
            return false;
        }
        int targetStart = parsedMethod.length() + 1;
        int targetEnd = targetStart;
        while (targetEnd < end && h[targetEnd] > ' ' && h[targetEnd] < 0x7f) {
            targetEnd++;
        }
        HttpVersion parsedVersion = version(h, targetStart, targetEnd, end);
        if (parsedVersion == null) {
            return false;
        }
        int hosts = fields(h, targetEnd + 11, end, out);
        if (hosts < 0 || (hosts == 0 && parsedVersion == HttpVersion.HTTP_1_1)) {
            return false; // a field declined, or no Host in HTTP/1.1: Jetty answers it
        }
        method = parsedMethod;
        version = parsedVersion;
        target(h, targetStart, targetEnd);
        in.position(headEnd);
        return true;
    }

    /** The version after the target ({@code SP HTTP/1.x CR LF}), or null. */
    private static @Nullable HttpVersion version(byte[] h, int targetStart, int targetEnd, int end) {
        int p = targetEnd;
        if (targetEnd == targetStart || end - p < 12 || h[p] != ' ') {
            return null;
        }
        p++;
        if (h[p] != 'H'
                || h[p + 1] != 'T'
                || h[p + 2] != 'T'
                || h[p + 3] != 'P'
                || h[p + 4] != '/'
                || h[p + 5] != '1'
                || h[p + 6] != '.'
                || (h[p + 7] != '1' && h[p + 7] != '0')
                || h[p + 8] != '\r'
                || h[p + 9] != '\n') {
            return null;
        }
        return h[p + 7] == '1' ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0;
    }

    /**
     * The field lines from {@code p} to the empty line ending the head at {@code end}, added to {@code out}.
     *
     * @return how many Host fields (0 or 1), or -1 when a line is declined
     */
    private int fields(byte[] h, int p, int end, List<HttpField> out) {
        int hosts = 0;
        for (int index = 0; ; index++) {
            if (p >= end) {
                return -1; // (the head ends with an empty line, so a field line never ends it)
            }
            if (h[p] == '\r') {
                return p + 2 == end && h[p + 1] == '\n' ? hosts : -1;
            }
            int name = p;
            while (p < end && HeadBytes.isTokenChar(h[p])) {
                p++;
            }
            if (p == name || p >= end || h[p] != ':') {
                return -1;
            }
            int colon = p++;
            while (p < end && (h[p] == ' ' || h[p] == '\t')) {
                p++;
            }
            int value = p;
            int valueEnd = p;
            for (; p < end && h[p] != '\r'; p++) {
                byte b = h[p];
                if (b > ' ' && b < 0x7f) {
                    valueEnd = p + 1;
                } else if (b != ' ' && b != '\t') {
                    return -1;
                }
            }
            if (valueEnd == value || p + 1 >= end || h[p + 1] != '\n') {
                return -1;
            }
            HttpField field = field(index, h, name, colon, value, valueEnd);
            if (field == null || (field.getHeader() == HttpHeader.HOST && ++hosts > 1)) {
                return -1;
            }
            out.add(field);
            p += 2;
        }
    }

    private static @Nullable String method(byte[] h, int end) {
        for (String method : METHODS) {
            int length = method.length();
            if (end > length && h[length] == ' ' && h[0] == method.charAt(0) && matches(h, method)) {
                return method;
            }
        }
        return null;
    }

    private static boolean matches(byte[] h, String ascii) {
        for (int i = 1; i < ascii.length(); i++) {
            if (h[i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void target(byte[] h, int from, int to) {
        byte[] previous = targetBytes;
        if (previous != null && Arrays.equals(previous, 0, previous.length, h, from, to)) {
            return; // the same target as the previous request: its String again
        }
        target = new String(h, from, to - from, StandardCharsets.US_ASCII);
        targetBytes = to - from <= CACHED_LINE_BYTES ? Arrays.copyOfRange(h, from, to) : null;
    }

    /** The field of one line: the one made for the same line of the previous head, or a new one; null declines. */
    private @Nullable HttpField field(int index, byte[] h, int name, int colon, int value, int valueEnd) {
        boolean cacheable = index < CACHED_FIELDS && valueEnd - name <= CACHED_LINE_BYTES;
        if (cacheable) {
            byte[] line = lines[index];
            if (line != null && Arrays.equals(line, 0, line.length, h, name, valueEnd)) {
                return fields[index];
            }
        }
        HttpField field = newField(h, name, colon, value, valueEnd);
        if (field != null && cacheable) {
            lines[index] = Arrays.copyOfRange(h, name, valueEnd);
            fields[index] = field;
        }
        return field;
    }

    private static @Nullable HttpField newField(byte[] h, int name, int colon, int value, int valueEnd) {
        String nameString = new String(h, name, colon - name, StandardCharsets.US_ASCII);
        HttpHeader header = HttpHeader.CACHE.get(nameString);
        if (header == HttpHeader.CONTENT_LENGTH || header == HttpHeader.TRANSFER_ENCODING) {
            return null; // a body: its framing is Jetty's parser's to decide
        }
        String valueString = new String(h, value, valueEnd - value, StandardCharsets.US_ASCII);
        if (header == null) {
            return new HttpField(null, nameString, valueString);
        }
        if (header == HttpHeader.HOST) {
            HostPort hostPort;
            try {
                hostPort = new HostPort(valueString);
            } catch (RuntimeException refused) {
                return null; // Jetty answers the bad Host itself
            }
            // Jetty's parser keeps the value as sent; a Host that HostPort would restate differently is declined.
            return hostPort.toString().equals(valueString)
                    ? new HostPortHttpField(header, header.asString(), hostPort)
                    : null;
        }
        return new HttpField(header, header.asString(), valueString);
    }
}
