package io.orbit.runtime.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The stdout and stderr of an exec, read from the engines' {@code application/vnd.docker.raw-stream}: frames with an
 * 8-byte header (byte 0: stream, 1 = stdout, 2 = stderr; bytes 4–7: big-endian payload length).
 */
public record MultiplexedOutput(String stdout, String stderr) {

    /** Caps what a probe's output may cost in memory; the rest is read and dropped. */
    public static final int MAX_BYTES_PER_STREAM = 64 * 1024;

    public static MultiplexedOutput read(InputStream in) throws IOException {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        byte[] header = new byte[8];
        while (readHeader(in, header)) {
            int length = ((header[4] & 0xff) << 24)
                    | ((header[5] & 0xff) << 16)
                    | ((header[6] & 0xff) << 8)
                    | (header[7] & 0xff);
            byte[] payload = in.readNBytes(length);
            if (payload.length < length) {
                throw new EOFException("exec stream ended inside a frame");
            }
            ByteArrayOutputStream target = header[0] == 2 ? stderr : stdout;
            if (target.size() < MAX_BYTES_PER_STREAM) {
                target.write(payload, 0, Math.min(payload.length, MAX_BYTES_PER_STREAM - target.size()));
            }
        }
        return new MultiplexedOutput(stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    private static boolean readHeader(InputStream in, byte[] header) throws IOException {
        int read = in.readNBytes(header, 0, header.length);
        if (read == 0) {
            return false;
        }
        if (read < header.length) {
            throw new EOFException("exec stream ended inside a frame header");
        }
        return true;
    }
}
