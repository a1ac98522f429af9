package io.orbit.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultiplexedOutputTest {

    @Test
    void splitsFramesIntoStdoutAndStderrInOrder() throws IOException {
        byte[] stream = concat(frame(1, "out1\n"), frame(2, "err\n"), frame(1, "out2\n"));

        MultiplexedOutput output = MultiplexedOutput.read(new ByteArrayInputStream(stream));

        assertThat(output.stdout()).isEqualTo("out1\nout2\n");
        assertThat(output.stderr()).isEqualTo("err\n");
    }

    @Test
    void anEmptyStreamIsNoOutput() throws IOException {
        assertThat(MultiplexedOutput.read(new ByteArrayInputStream(new byte[0])))
                .isEqualTo(new MultiplexedOutput("", ""));
    }

    @Test
    void aTruncatedFrameIsAnError() {
        byte[] frame = frame(1, "hello");
        byte[] truncated = java.util.Arrays.copyOf(frame, frame.length - 2);

        assertThatThrownBy(() -> MultiplexedOutput.read(new ByteArrayInputStream(truncated)))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void capsWhatItKeepsPerStream() throws IOException {
        String big = "x".repeat(MultiplexedOutput.MAX_BYTES_PER_STREAM + 100);

        MultiplexedOutput output =
                MultiplexedOutput.read(new ByteArrayInputStream(concat(frame(1, big), frame(2, "e"))));

        assertThat(output.stdout()).hasSize(MultiplexedOutput.MAX_BYTES_PER_STREAM);
        assertThat(output.stderr()).isEqualTo("e");
    }

    static byte[] frame(int stream, String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[8 + bytes.length];
        frame[0] = (byte) stream;
        frame[4] = (byte) (bytes.length >>> 24);
        frame[5] = (byte) (bytes.length >>> 16);
        frame[6] = (byte) (bytes.length >>> 8);
        frame[7] = (byte) bytes.length;
        System.arraycopy(bytes, 0, frame, 8, bytes.length);
        return frame;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
