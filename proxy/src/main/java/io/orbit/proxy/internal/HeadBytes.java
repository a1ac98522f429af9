package io.orbit.proxy.internal;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/** Byte-level helpers shared by the proxy's two lean head parsers ({@link ResponseParser}, {@link RequestHeadParser}). */
final class HeadBytes {

    /**
     * The heap copy of a head, used only within one parse call: one per thread (the selector threads, in practice),
     * not one per connection (16 KiB each, idle or not). Neither parser calls the other while it holds it.
     */
    private static final ThreadLocal<byte @Nullable []> SCRATCH = new ThreadLocal<>();

    private HeadBytes() {}

    static byte[] scratch(int size) {
        byte[] scratch = SCRATCH.get();
        if (scratch == null || scratch.length < size) {
            scratch = new byte[size];
            SCRATCH.set(scratch);
        }
        return scratch;
    }

    /** The index just past the blank line ending the head, or -1. Lines end with CRLF or a bare LF. */
    static int findHeadEnd(ByteBuffer in, int start, int limit) {
        for (int i = start; i < limit; i++) {
            if (in.get(i) == '\n') {
                if (i + 1 < limit && in.get(i + 1) == '\n') {
                    return i + 2;
                }
                if (i + 2 < limit && in.get(i + 1) == '\r' && in.get(i + 2) == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    /** RFC 9110 §5.6.2 tchar. */
    static boolean isTokenChar(byte b) {
        if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
            return true;
        }
        return switch (b) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }
}
