package io.orbit.proxy.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A lean parser of serverToProxyResponse: it reads the head in place (no String or field object per header), copies
 * the end-to-end header lines straight into proxyToClientResponse's head, and then frames the body — by
 * Content-Length, chunked (decoded; the data path re-chunks it) or until the backend closes.
 *
 * <p>It is strict where a lax proxy would desynchronise the client connection: an invalid status line, obs-fold, a
 * field name with spaces or bad characters, conflicting Content-Lengths, a bad chunk size or a head over the limit are
 * errors (the exchange answers 502), and so are Transfer-Encoding with Content-Length, Transfer-Encoding in HTTP/1.0
 * and a {@code chunked} that is not the final coding (RFC 9112 §6.1, §6.3). Hop-by-hop fields (RFC 9110 §7.6.1, and
 * those the Connection field names) and the framing fields are not copied: the data path restates the framing. Not thread-safe: owned by one {@link UpstreamConnection}.
 *
 * <p>Longer than 300 lines: one incremental state machine (head, length, chunked, until close) over one buffer position, whose states share fields on the per-response path.
 */
final class ResponseParser {

    enum Event {
        NEED_MORE,
        HEAD,
        CONTENT,
        COMPLETE,
        ERROR
    }

    private enum State {
        HEAD,
        LENGTH,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_DATA_END,
        TRAILER,
        UNTIL_CLOSE,
        DONE
    }

    private static final long MAX_CHUNK = Integer.MAX_VALUE;

    private final int maxHeadBytes;
    private State state = State.HEAD;
    private boolean headResponse;

    // The last head.
    private int status;
    private boolean http10;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean chunked;
    private boolean lengthKnown;
    private boolean transferEncoding;
    private @Nullable StringBuilder transferCodings;
    private long contentLength = -1;
    private @Nullable String upgrade;
    private @Nullable String error;

    // The body.
    private long remaining;
    private @Nullable ByteBuffer content;
    // A reusable view of the input buffer for content slices: the data path writes one slice at a time and parses on
    // only once that write completed, so one view per input buffer saves an object per body chunk. The views come from
    // the pool, one per pooled buffer: a connection often reads into another buffer than last time (nearly always
    // while writes wait for the end of the selector's batch), and a view made here each time cost 64 bytes a response.
    private final UnaryOperator<ByteBuffer> views;
    private @Nullable ByteBuffer view;
    private @Nullable ByteBuffer viewOf;

    /** @param views the view of an input buffer, the same one each time when the buffers are pooled ({@link BufferPool#view}) */
    ResponseParser(int maxHeadBytes, UnaryOperator<ByteBuffer> views) {
        this.maxHeadBytes = maxHeadBytes;
        this.views = views;
    }

    /** Forgets the last response; {@code headResponse} when the request was a HEAD (no body whatever the head says). */
    void reset(boolean headResponse) {
        this.headResponse = headResponse;
        state = State.HEAD;
        status = 0;
        http10 = false;
        connectionClose = false;
        connectionKeepAlive = false;
        chunked = false;
        lengthKnown = false;
        transferEncoding = false;
        transferCodings = null;
        contentLength = -1;
        upgrade = null;
        error = null;
        namedByConnection = NONE;
        remaining = 0;
        content = null;
    }

    int status() {
        return status;
    }

    boolean http10() {
        return http10;
    }

    /** The backend will close after this response (Connection: close, or HTTP/1.0 without keep-alive). */
    boolean closes() {
        return connectionClose || (http10 && !connectionKeepAlive) || state == State.UNTIL_CLOSE;
    }

    /** The body length is known from the head (Content-Length) or there is no body. */
    boolean lengthKnown() {
        return lengthKnown && !transferEncoding;
    }

    boolean hasBody() {
        return !(headResponse || status < 200 || status == 204 || status == 304);
    }

    /** The Content-Length the backend declared, or -1 (also for a HEAD or 304 response, where it is metadata). */
    long contentLength() {
        return transferEncoding ? -1 : contentLength;
    }

    /** The transfer codings other than {@code chunked}, comma separated ("" when none); null without Transfer-Encoding. */
    @Nullable
    String transferCodings() {
        return transferCodings == null ? null : transferCodings.toString();
    }

    /**
     * A response that has no body by its status or request (HEAD, 204, 304) but whose head declares one: the backend
     * may send those bytes anyway, so its connection is not reused (they would be read as the next response).
     */
    boolean declaresBodyItHasNot() {
        return status >= 200 && !hasBody() && (transferEncoding || contentLength > 0);
    }

    @Nullable
    String upgrade() {
        return upgrade;
    }

    @Nullable
    String error() {
        return error;
    }

    /** The content slice of the last {@link Event#CONTENT}; it shares the input buffer's bytes. */
    ByteBuffer content() {
        ByteBuffer slice = content;
        if (slice == null) {
            throw new IllegalStateException("no content");
        }
        content = null;
        return slice;
    }

    boolean isComplete() {
        return state == State.DONE;
    }

    /**
     * Advances over {@code in} (flush mode). On {@link Event#HEAD}, the status line and the end-to-end fields were
     * appended to {@code headOut} (fill mode), without the blank line.
     */
    Event next(ByteBuffer in, ByteBuffer headOut, boolean eof) {
        return switch (state) {
            case HEAD -> parseHead(in, headOut, eof);
            case LENGTH -> length(in, eof);
            case CHUNK_SIZE, CHUNK_DATA_END, TRAILER -> chunkFraming(in, eof);
            case CHUNK_DATA -> chunkData(in, eof);
            case UNTIL_CLOSE -> untilClose(in, eof);
            case DONE -> Event.COMPLETE;
        };
    }

    private Event fail(String problem) {
        error = problem;
        return Event.ERROR;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The head.

    private Event parseHead(ByteBuffer in, ByteBuffer headOut, boolean eof) {
        int start = in.position();
        int limit = in.limit();
        int headEnd = HeadBytes.findHeadEnd(in, start, limit);
        if (headEnd < 0) {
            if (limit - start > maxHeadBytes) {
                return fail("response head larger than " + maxHeadBytes + " bytes");
            }
            return eof ? fail(start == limit ? "no response" : "response head truncated") : Event.NEED_MORE;
        }
        int end = headEnd - start;
        if (end > maxHeadBytes) {
            return fail("response head larger than " + maxHeadBytes + " bytes");
        }
        // One bulk copy out of the direct buffer; every pass below runs over the heap array.
        byte[] h = HeadBytes.scratch(maxHeadBytes + 4);
        in.get(start, h, 0, end);
        int lineEnd = lineEnd(h, 0, end);
        if (!statusLine(h, 0, lineEnd, headOut)) {
            return Event.ERROR;
        }
        int fieldsStart = nextLine(h, lineEnd);
        int framing = readFraming(h, fieldsStart, end);
        if (framing < 0) {
            return Event.ERROR;
        }
        String faulty = faultyFraming();
        if (faulty != null) {
            return fail(faulty);
        }
        if (!copyEndToEnd(h, fieldsStart, end, framing == 1, headOut)) {
            return fail("response head does not fit");
        }
        in.position(headEnd);
        state = bodyState();
        return Event.HEAD;
    }

    /**
     * First pass over the fields: framing and the Connection field, which can name fields that appear before it.
     *
     * @return -1 when a field is malformed (the error is set), 1 when Connection names other fields, else 0
     */
    private int readFraming(byte[] h, int fieldsStart, int end) {
        boolean namesFields = false;
        for (int line = fieldsStart; line < end; ) {
            int eol = lineEnd(h, line, end);
            if (eol == line) {
                break;
            }
            int colon = colon(h, line, eol);
            if (colon < 0) {
                return -1;
            }
            int valueStart = skipSpaces(h, colon + 1, eol);
            int valueEnd = trimSpaces(h, valueStart, eol);
            Hop hop = classify(h, line, colon);
            if (hop == Hop.CONNECTION) {
                namesFields |= connectionTokens(h, valueStart, valueEnd);
            } else if (hop == Hop.CONTENT_LENGTH) {
                if (!contentLength(h, valueStart, valueEnd)) {
                    return -1;
                }
            } else if (hop == Hop.TRANSFER_ENCODING) {
                transferEncoding = true;
                if (!transferCodings(h, valueStart, valueEnd)) {
                    return -1;
                }
            } else if (hop == Hop.UPGRADE) {
                upgrade = new String(h, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
            }
            line = nextLine(h, eol);
        }
        return namesFields ? 1 : 0;
    }

    /** What makes the framing faulty, or null. */
    private @Nullable String faultyFraming() {
        if (!transferEncoding || status < 200) {
            return null;
        }
        // RFC 9112 §6.1, §6.3: both framings, or Transfer-Encoding in HTTP/1.0, is faulty framing; a proxy that
        // picked one of them could be reading a different message than the client will.
        if (lengthKnown) {
            return "response with both Transfer-Encoding and Content-Length";
        }
        if (http10) {
            return "HTTP/1.0 response with Transfer-Encoding";
        }
        if (transferCodings == null || (!chunked && transferCodings.isEmpty())) {
            return "empty Transfer-Encoding";
        }
        return null;
    }

    /**
     * Second pass: copy what is end-to-end. Framing (Content-Length, Transfer-Encoding) is never copied: the data path
     * restates it for the body it sends, so no Connection token can take it away.
     *
     * @return false when the head does not fit {@code headOut}
     */
    private boolean copyEndToEnd(byte[] h, int fieldsStart, int end, boolean namesFields, ByteBuffer headOut) {
        for (int line = fieldsStart; line < end; ) {
            int eol = lineEnd(h, line, end);
            if (eol == line) {
                break;
            }
            int colon = colon(h, line, eol);
            Hop hop = classify(h, line, colon);
            boolean copy = hop == Hop.NONE;
            if (copy && namesFields && connectionNames(h, line, colon)) {
                copy = false;
            }
            if (copy) {
                int valueEnd = trimSpaces(h, skipSpaces(h, colon + 1, eol), eol);
                int length = valueEnd - line;
                if (headOut.remaining() < length + 2) {
                    return false;
                }
                headOut.put(h, line, length);
                headOut.put((byte) '\r').put((byte) '\n');
            }
            line = nextLine(h, eol);
        }
        return true;
    }

    private State bodyState() {
        if (!hasBody()) {
            return State.DONE;
        }
        if (transferEncoding) {
            return chunked ? State.CHUNK_SIZE : State.UNTIL_CLOSE;
        }
        if (lengthKnown) {
            remaining = contentLength;
            return contentLength == 0 ? State.DONE : State.LENGTH;
        }
        return State.UNTIL_CLOSE;
    }

    /** The end of the line starting at {@code from} (before CR LF or LF). */
    private static int lineEnd(byte[] in, int from, int limit) {
        int i = from;
        while (i < limit && in[i] != '\n') {
            i++;
        }
        return i > from && in[i - 1] == '\r' ? i - 1 : i;
    }

    private static int nextLine(byte[] in, int lineEnd) {
        return in[lineEnd] == '\r' ? lineEnd + 2 : lineEnd + 1;
    }

    private boolean statusLine(byte[] in, int start, int end, ByteBuffer headOut) {
        // HTTP/1.x SP 3DIGIT SP reason
        if (end - start < 12
                || in[start] != 'H'
                || in[start + 1] != 'T'
                || in[start + 2] != 'T'
                || in[start + 3] != 'P'
                || in[start + 4] != '/'
                || in[start + 5] != '1'
                || in[start + 6] != '.'
                || (in[start + 7] != '0' && in[start + 7] != '1')
                || in[start + 8] != ' ') {
            error = "bad status line";
            return false;
        }
        http10 = in[start + 7] == '0';
        int code = 0;
        for (int i = start + 9; i < start + 12; i++) {
            byte b = in[i];
            if (b < '0' || b > '9') {
                error = "bad status code";
                return false;
            }
            code = code * 10 + (b - '0');
        }
        if (code < 100 || (end > start + 12 && in[start + 12] != ' ')) {
            error = "bad status code";
            return false;
        }
        status = code;
        for (int i = start + 12; i < end; i++) {
            byte b = in[i];
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                error = "bad reason phrase";
                return false;
            }
        }
        int length = end - (start + 8);
        if (headOut.remaining() < length + 12) {
            error = "response head does not fit";
            return false;
        }
        Heads.put(headOut, "HTTP/1.1");
        headOut.put(in, start + 8, length);
        if (end == start + 12) {
            headOut.put((byte) ' ');
        }
        headOut.put((byte) '\r').put((byte) '\n');
        return true;
    }

    /** The colon of a field line with a valid token name, or -1 (with {@link #error} set). */
    private int colon(byte[] in, int line, int eol) {
        byte first = in[line];
        if (first == ' ' || first == '\t') {
            error = "obsolete line folding in response head";
            return -1;
        }
        for (int i = line; i < eol; i++) {
            byte b = in[i];
            if (b == ':') {
                if (i == line) {
                    error = "empty field name";
                    return -1;
                }
                for (int v = i + 1; v < eol; v++) {
                    byte c = in[v];
                    if ((c < 0x20 && c != '\t') || c == 0x7f) {
                        error = "bad field value";
                        return -1;
                    }
                }
                return i;
            }
            if (!HeadBytes.isTokenChar(b)) {
                error = "bad field name";
                return -1;
            }
        }
        error = "field without colon";
        return -1;
    }

    private static int skipSpaces(byte[] in, int from, int end) {
        int i = from;
        while (i < end && (in[i] == ' ' || in[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static int trimSpaces(byte[] in, int from, int end) {
        int i = end;
        while (i > from && (in[i - 1] == ' ' || in[i - 1] == '\t')) {
            i--;
        }
        return i;
    }

    private enum Hop {
        NONE,
        CONNECTION,
        CONTENT_LENGTH,
        TRANSFER_ENCODING,
        UPGRADE,
        DROP
    }

    private static final String[] DROPPED = {"keep-alive", "proxy-connection", "te", "trailer"};

    private static Hop classify(byte[] in, int name, int colon) {
        int length = colon - name;
        switch (length) {
            case 2, 7, 10, 16 -> {
                if (equalsIgnoreCase(in, name, colon, "upgrade")) {
                    return Hop.UPGRADE;
                }
                if (equalsIgnoreCase(in, name, colon, "connection")) {
                    return Hop.CONNECTION;
                }
                for (String dropped : DROPPED) {
                    if (equalsIgnoreCase(in, name, colon, dropped)) {
                        return Hop.DROP;
                    }
                }
                return Hop.NONE;
            }
            case 14 -> {
                return equalsIgnoreCase(in, name, colon, "content-length") ? Hop.CONTENT_LENGTH : Hop.NONE;
            }
            case 17 -> {
                return equalsIgnoreCase(in, name, colon, "transfer-encoding") ? Hop.TRANSFER_ENCODING : Hop.NONE;
            }
            default -> {
                return Hop.NONE;
            }
        }
    }

    /** {@code lowerCase} must be lower case. */
    private static boolean equalsIgnoreCase(byte[] in, int from, int to, String lowerCase) {
        if (to - from != lowerCase.length()) {
            return false;
        }
        for (int i = 0; i < lowerCase.length(); i++) {
            int b = in[from + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static final String[] NONE = new String[0];
    private String[] namedByConnection = NONE;

    /** Reads the Connection tokens; true when some token names another field to drop. */
    private boolean connectionTokens(byte[] in, int from, int to) {
        boolean names = false;
        int i = from;
        while (i < to) {
            int tokenStart = skipSpaces(in, i, to);
            int tokenEnd = tokenStart;
            while (tokenEnd < to && in[tokenEnd] != ',') {
                tokenEnd++;
            }
            int next = tokenEnd + 1;
            tokenEnd = trimSpaces(in, tokenStart, tokenEnd);
            if (equalsIgnoreCase(in, tokenStart, tokenEnd, "close")) {
                connectionClose = true;
            } else if (equalsIgnoreCase(in, tokenStart, tokenEnd, "keep-alive")) {
                connectionKeepAlive = true;
            } else if (tokenEnd > tokenStart && !equalsIgnoreCase(in, tokenStart, tokenEnd, "upgrade")) {
                String[] grown = java.util.Arrays.copyOf(namedByConnection, namedByConnection.length + 1);
                grown[namedByConnection.length] =
                        ascii(in, tokenStart, tokenEnd).toLowerCase(java.util.Locale.ROOT);
                namedByConnection = grown;
                names = true;
            }
            i = next;
        }
        return names;
    }

    private boolean connectionNames(byte[] in, int name, int colon) {
        for (String named : namedByConnection) {
            if (equalsIgnoreCase(in, name, colon, named)) {
                return true;
            }
        }
        return false;
    }

    private boolean contentLength(byte[] in, int from, int to) {
        if (from == to || to - from > 18) {
            error = "bad Content-Length";
            return false;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            byte b = in[i];
            if (b < '0' || b > '9') {
                error = "bad Content-Length";
                return false;
            }
            value = value * 10 + (b - '0');
        }
        if (lengthKnown && value != contentLength) {
            error = "conflicting Content-Length values";
            return false;
        }
        lengthKnown = true;
        contentLength = value;
        return true;
    }

    /**
     * Appends the codings of one Transfer-Encoding field line; {@code chunked} must be the last coding of all lines
     * and appear once (RFC 9112 §6.1, §7). False (with {@link #error}) otherwise.
     */
    private boolean transferCodings(byte[] in, int from, int to) {
        StringBuilder codings = transferCodings;
        if (codings == null) {
            codings = new StringBuilder();
            transferCodings = codings;
        }
        int i = from;
        while (i <= to) {
            int elementEnd = i;
            while (elementEnd < to && in[elementEnd] != ',') {
                elementEnd++;
            }
            int start = skipSpaces(in, i, elementEnd);
            int end = trimSpaces(in, start, elementEnd);
            i = elementEnd + 1;
            if (start == end) {
                continue; // an empty list element
            }
            if (chunked) {
                error = "Transfer-Encoding with a coding after chunked";
                return false;
            }
            if (equalsIgnoreCase(in, start, end, "chunked")) {
                chunked = true;
                continue;
            }
            for (int c = start; c < end; c++) {
                byte b = in[c];
                if (!HeadBytes.isTokenChar(b) && b != ';' && b != '=' && b != ' ' && b != '\t' && b != '"') {
                    error = "bad Transfer-Encoding";
                    return false;
                }
            }
            if (!HeadBytes.isTokenChar(in[start])) {
                error = "bad Transfer-Encoding";
                return false;
            }
            if (!codings.isEmpty()) {
                codings.append(", ");
            }
            codings.append(ascii(in, start, end));
        }
        return true;
    }

    private static String ascii(byte[] in, int from, int to) {
        return new String(in, from, to - from, StandardCharsets.ISO_8859_1);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The body.

    private ByteBuffer slice(ByteBuffer in, int from, int length) {
        ByteBuffer slice = view;
        if (slice == null || viewOf != in) {
            slice = views.apply(in);
            view = slice;
            viewOf = in;
        }
        slice.clear();
        slice.position(from);
        slice.limit(from + length);
        return slice;
    }

    private Event length(ByteBuffer in, boolean eof) {
        int available = in.remaining();
        if (available == 0) {
            return eof ? fail("response body truncated") : Event.NEED_MORE;
        }
        int take = (int) Math.min(available, remaining);
        content = slice(in, in.position(), take);
        in.position(in.position() + take);
        remaining -= take;
        if (remaining == 0) {
            state = State.DONE;
        }
        return Event.CONTENT;
    }

    private Event untilClose(ByteBuffer in, boolean eof) {
        if (!in.hasRemaining()) {
            if (eof) {
                state = State.DONE;
                return Event.COMPLETE;
            }
            return Event.NEED_MORE;
        }
        content = slice(in, in.position(), in.remaining());
        in.position(in.limit());
        return Event.CONTENT;
    }

    private Event chunkData(ByteBuffer in, boolean eof) {
        if (!in.hasRemaining()) {
            return eof ? fail("response body truncated") : Event.NEED_MORE;
        }
        int take = (int) Math.min(in.remaining(), remaining);
        content = slice(in, in.position(), take);
        in.position(in.position() + take);
        remaining -= take;
        if (remaining == 0) {
            state = State.CHUNK_DATA_END;
        }
        return Event.CONTENT;
    }

    /** Chunk size lines, the CRLF after chunk data and the trailer section: whole lines at a time. */
    private Event chunkFraming(ByteBuffer in, boolean eof) {
        while (true) {
            int start = in.position();
            int limit = in.limit();
            int newline = -1;
            for (int i = start; i < limit; i++) {
                if (in.get(i) == '\n') {
                    newline = i;
                    break;
                }
            }
            if (newline < 0) {
                if (limit - start > 1024) {
                    return fail("chunk framing line too long");
                }
                return eof ? fail("response body truncated") : Event.NEED_MORE;
            }
            int end = newline > start && in.get(newline - 1) == '\r' ? newline - 1 : newline;
            in.position(newline + 1);
            switch (state) {
                case CHUNK_DATA_END -> {
                    if (end != start) {
                        return fail("missing CRLF after chunk data");
                    }
                    state = State.CHUNK_SIZE;
                }
                case CHUNK_SIZE -> {
                    long size = chunkSize(in, start, end);
                    if (size < 0) {
                        return fail("bad chunk size");
                    }
                    if (size == 0) {
                        state = State.TRAILER;
                    } else {
                        remaining = size;
                        state = State.CHUNK_DATA;
                        return chunkData(in, eof);
                    }
                }
                case TRAILER -> {
                    if (end == start) {
                        state = State.DONE;
                        return Event.COMPLETE;
                    }
                    // trailer fields are not forwarded
                }
                default -> throw new IllegalStateException(state.toString());
            }
        }
    }

    private static int skipSpaces(ByteBuffer in, int from, int end) {
        int i = from;
        while (i < end && (in.get(i) == ' ' || in.get(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static long chunkSize(ByteBuffer in, int from, int to) {
        long size = 0;
        int digits = 0;
        int i = from;
        for (; i < to; i++) {
            byte b = in.get(i);
            int digit;
            if (b >= '0' && b <= '9') {
                digit = b - '0';
            } else if (b >= 'a' && b <= 'f') {
                digit = b - 'a' + 10;
            } else if (b >= 'A' && b <= 'F') {
                digit = b - 'A' + 10;
            } else {
                break;
            }
            size = size * 16 + digit;
            if (++digits > 8 || size > MAX_CHUNK) {
                return -1;
            }
        }
        if (digits == 0) {
            return -1;
        }
        // chunk extensions (";name=value") are ignored; anything else is an error
        int rest = skipSpaces(in, i, to);
        if (rest < to && in.get(rest) != ';') {
            return -1;
        }
        return size;
    }
}
