package io.orbit.engine.persist;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.journal.JournalEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal on disk: an append-only log of JSON lines in segments ({@code journal-<first sequence>.jsonl}), each
 * at most {@code segmentBytes} (a batch may end one past it), at most {@code segments} of them (the oldest is deleted
 * when a new one starts). Sequence numbers are the journal's own, so they continue after a restart. A torn last line
 * (a crash in the middle of an append) is dropped and cut off; a bad line elsewhere is skipped and counted.
 *
 * <p>Not thread-safe: one writer (the {@link StateStore}'s thread) owns it.
 */
final class JournalLog {

    private static final Logger log = LoggerFactory.getLogger(JournalLog.class);
    private static final Pattern SEGMENT = Pattern.compile("journal-(\\d{20})\\.jsonl");

    /** What {@link #load} found. */
    record Loaded(List<JournalEntry> entries, long lastSequence, int skippedLines, boolean tornTail) {}

    private final Path directory;
    private final StateCodec codec;
    private final long segmentBytes;
    private final int segments;
    private @Nullable Path current;

    JournalLog(Path directory, StateCodec codec, long segmentBytes, int segments) {
        this.directory = requireNonNull(directory, "directory is null");
        this.codec = requireNonNull(codec, "codec is null");
        if (segmentBytes < 1 || segments < 1) {
            throw new IllegalArgumentException("segmentBytes and segments must be positive");
        }
        this.segmentBytes = segmentBytes;
        this.segments = segments;
    }

    /** The last {@code keep} entries on disk, oldest first; cuts a torn last line off the newest segment. */
    Loaded load(int keep) throws IOException {
        Files.createDirectories(directory);
        ArrayDeque<JournalEntry> entries = new ArrayDeque<>();
        long last = 0;
        int skipped = 0;
        boolean torn = false;
        List<Path> files = segmentFiles();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            byte[] content = Files.readAllBytes(file);
            int start = 0;
            while (start < content.length) {
                int end = indexOf(content, (byte) '\n', start);
                boolean complete = end >= 0;
                int lineEnd = complete ? end : content.length;
                JournalEntry entry = parse(content, start, lineEnd);
                if (!complete || entry == null) {
                    if (i == files.size() - 1 && (!complete || lineEnd == content.length - 1)) {
                        // The last line of the newest segment: a torn append. Cut it off so the next append
                        // starts on a line of its own.
                        torn = true;
                        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                            channel.truncate(start);
                            channel.force(true);
                        }
                        break;
                    }
                    skipped++;
                } else if (entry.sequence() > last) {
                    entries.addLast(entry);
                    last = entry.sequence();
                    if (entries.size() > keep) {
                        entries.removeFirst();
                    }
                } else {
                    skipped++;
                }
                start = lineEnd + 1;
            }
        }
        current = files.isEmpty() ? null : files.get(files.size() - 1);
        if (skipped > 0) {
            log.atWarn()
                    .addKeyValue("directory", directory)
                    .log(skipped + " unreadable journal line(s) skipped; the entries around them are kept");
        }
        return new Loaded(List.copyOf(entries), last, skipped, torn);
    }

    /** Appends entries (ascending sequence numbers) and forces them to disk; rotates first when the segment is full. */
    void append(List<JournalEntry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        for (JournalEntry entry : entries) {
            lines.writeBytes(codec.line(StateCodec.JournalLine.of(entry)));
            lines.write('\n');
        }
        Path segment = current;
        if (segment == null || !Files.exists(segment) || Files.size(segment) >= segmentBytes) {
            segment = directory.resolve(
                    "journal-%020d.jsonl".formatted(entries.get(0).sequence()));
            current = segment;
            prune();
        }
        try (FileChannel channel = FileChannel.open(
                segment, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND))) {
            long before = channel.size();
            try {
                ByteBuffer buffer = ByteBuffer.wrap(lines.toByteArray());
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            } catch (IOException e) {
                // A full disk may have taken half the batch: cut it off, so the retry does not follow a torn line.
                try {
                    channel.truncate(before);
                } catch (IOException ignored) {
                    e.addSuppressed(ignored);
                }
                throw e;
            }
        }
        StateFile.forceDirectory(directory);
    }

    /** Deletes the oldest segments so that, with the one about to start, at most {@code segments} remain. */
    private void prune() throws IOException {
        List<Path> files = segmentFiles();
        int excess = files.size() + 1 - segments;
        for (int i = 0; i < excess; i++) {
            Files.deleteIfExists(files.get(i));
        }
    }

    private List<Path> segmentFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (var list = Files.list(directory)) {
            list.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches())
                    .forEach(files::add);
        }
        files.sort(Comparator.comparing(JournalLog::firstSequence));
        return files;
    }

    private static long firstSequence(Path segment) {
        Matcher matcher = SEGMENT.matcher(segment.getFileName().toString());
        return matcher.matches() ? Long.parseLong(matcher.group(1)) : 0;
    }

    private @Nullable JournalEntry parse(byte[] content, int start, int end) {
        if (end <= start) {
            return null;
        }
        try {
            byte[] line = java.util.Arrays.copyOfRange(content, start, end);
            return codec.read(line, StateCodec.JournalLine.class).entry();
        } catch (IOException | RuntimeException e) {
            log.atDebug().log(
                    "unreadable journal line: " + new String(content, start, end - start, StandardCharsets.UTF_8));
            return null;
        }
    }

    private static int indexOf(byte[] content, byte wanted, int from) {
        for (int i = from; i < content.length; i++) {
            if (content[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
