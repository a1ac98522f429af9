package io.orbit.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.orbit.runtime.LogLine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimestampedLogFramesTest {

    private static final Instant NOW = Instant.parse("2026-11-26T03:00:00Z");

    @Test
    void readsDockerFramesWithNanosecondTimesOnBothStreams() throws IOException {
        List<LogLine> lines = read(
                frame(2, "2026-11-26T02:13:40.544245947Z err\n"), frame(1, "2026-11-26T02:13:40.544487665Z out\n"));

        assertThat(lines)
                .containsExactly(
                        new LogLine(LogLine.Stream.STDERR, Instant.parse("2026-11-26T02:13:40.544245947Z"), "err"),
                        new LogLine(LogLine.Stream.STDOUT, Instant.parse("2026-11-26T02:13:40.544487665Z"), "out"));
    }

    @Test
    void readsPodmanFramesWithWholeSecondsAndOffsets() throws IOException {
        List<LogLine> lines =
                read(frame(1, "2026-11-26T02:13:16Z out\n"), frame(1, "2026-11-26T03:13:17+01:00 later\n"));

        assertThat(lines)
                .extracting(LogLine::time, LogLine::text)
                .containsExactly(
                        tuple(Instant.parse("2026-11-26T02:13:16Z"), "out"),
                        tuple(Instant.parse("2026-11-26T02:13:17Z"), "later"));
    }

    @Test
    void keepsEmptyLinesSpacesAndALastLineWithoutBreak() throws IOException {
        List<LogLine> lines = read(
                frame(1, "2026-11-26T02:13:16Z \n"),
                frame(1, "2026-11-26T02:13:16Z   indented  \n"),
                frame(1, "2026-11-26T02:13:16Z no break"));

        assertThat(lines).extracting(LogLine::text).containsExactly("", "  indented  ", "no break");
    }

    @Test
    void aLineWithoutItsOwnTimeTakesThePreviousOne() throws IOException {
        List<LogLine> lines = read(frame(1, "2026-11-26T02:13:16Z first\nsecond\n"), frame(1, "third\n"));

        assertThat(lines).extracting(LogLine::text).containsExactly("first", "second", "third");
        assertThat(lines).extracting(LogLine::time).containsOnly(Instant.parse("2026-11-26T02:13:16Z"));
    }

    @Test
    void linesBeforeAnyTimeTakeTheClock() throws IOException {
        assertThat(read(frame(1, "2026-13-99T99:99:99Z looks like a date\n")))
                .containsExactly(new LogLine(LogLine.Stream.STDOUT, NOW, "2026-13-99T99:99:99Z looks like a date"));
    }

    @Test
    void carriageReturnsGoAndMultiByteTextStaysWhole() throws IOException {
        List<LogLine> lines = read(frame(1, "2026-11-26T02:13:16Z h\u00e9llo \u2713\r\nplain\r\n\n"));

        assertThat(lines).extracting(LogLine::text).containsExactly("h\u00e9llo \u2713", "plain", "");
    }

    /** Frames of every size in turn: beyond the reused buffer's 64 KiB, within it, then small. */
    @Test
    void eachFrameShowsOnlyItsOwnBytesWhateverCameBefore() throws IOException {
        String huge = "h".repeat(100_000);
        String large = "x".repeat(20_000);
        List<LogLine> lines = read(
                frame(1, "2026-11-26T02:13:15Z " + huge + "\n"),
                frame(1, "2026-11-26T02:13:16Z " + large + "\n"),
                frame(2, "2026-11-26T02:13:17Z y"),
                frame(1, "2026-11-26T02:13:18Z " + huge));

        assertThat(lines)
                .extracting(LogLine::stream, LogLine::text)
                .containsExactly(
                        tuple(LogLine.Stream.STDOUT, huge),
                        tuple(LogLine.Stream.STDOUT, large),
                        tuple(LogLine.Stream.STDERR, "y"),
                        tuple(LogLine.Stream.STDOUT, huge));
    }

    @Test
    void anEmptyAnswerHasNoLines() throws IOException {
        assertThat(read()).isEmpty();
    }

    @Test
    void aTruncatedFrameIsAnError() {
        byte[] frame = frame(1, "2026-11-26T02:13:16Z hello\n");
        byte[] truncated = java.util.Arrays.copyOf(frame, frame.length - 3);

        assertThatThrownBy(() -> read(truncated)).isInstanceOf(EOFException.class);
    }

    private static List<LogLine> read(byte[]... frames) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            all.write(frame);
        }
        List<LogLine> lines = new ArrayList<>();
        new TimestampedLogFrames(InstantSource.fixed(NOW))
                .read(new ByteArrayInputStream(all.toByteArray()), lines::add);
        return lines;
    }

    private static byte[] frame(int stream, String payload) {
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
}
