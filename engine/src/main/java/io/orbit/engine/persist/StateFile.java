package io.orbit.engine.persist;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One state file, written crash-safely: the new content goes to a temporary file in the same directory, is forced to
 * disk, renamed over the old file (atomic on one file system), and the directory is forced too, so after a crash at
 * any moment the file holds either the old or the new content, never a mix. A reader sees the same.
 *
 * <p>Not thread-safe: one writer (the {@link StateStore}'s thread) owns it.
 */
public final class StateFile {

    /** The suffix of temporary files; a crash may leave one behind, which {@link #removeLeftovers} removes. */
    static final String TEMPORARY = ".tmp-";
    /** {@code <name>.corrupt-<UTC time>}: a file that did not read, kept for a human to look at. */
    static final String CORRUPT = ".corrupt-";

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path file;

    public StateFile(Path file) {
        this.file = requireNonNull(file, "file is null").toAbsolutePath();
        requireNonNull(this.file.getParent(), "a state file needs a directory");
    }

    public Path path() {
        return file;
    }

    /** The content, or empty when there is no file (a first start). */
    public Optional<byte[]> read() throws IOException {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException missing) {
            return Optional.empty();
        }
    }

    /**
     * Replaces the content crash-safely (temporary file, force, atomic rename, force the directory). On failure the
     * old content stays and the temporary file is removed.
     */
    public void write(byte[] content) throws IOException {
        Path directory = directory();
        Path temporary = directory.resolve("." + file.getFileName() + TEMPORARY
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel channel = FileChannel.open(
                    temporary,
                    java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(
                        "cannot rename " + temporary + " over " + file + " atomically: " + e.getMessage(), e);
            }
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        forceDirectory(directory);
    }

    /**
     * Moves the file aside as {@code <name>.corrupt-<UTC time>} (it did not read); the next start begins without it.
     *
     * @return where it went
     */
    public Path setAside(Instant now) throws IOException {
        Path aside = directory().resolve(file.getFileName() + CORRUPT + STAMP.format(now));
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(directory());
        return aside;
    }

    /** Removes temporary files a crash left behind (they were never renamed, so they hold nothing that counts). */
    public void removeLeftovers() throws IOException {
        String prefix = "." + file.getFileName() + TEMPORARY;
        try (var entries = Files.list(directory())) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .toList()) {
                Files.deleteIfExists(entry);
            }
        }
    }

    private Path directory() {
        return requireNonNull(file.getParent(), "checked at construction");
    }

    /** Makes a rename durable: on Linux a directory opened for reading can be forced like a file. */
    static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
