package io.orbit.engine.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * How the service files of a config directory may be read. A file larger than {@code maxFileBytes} is refused before
 * it is read. When the daemon runs as root, whoever can write a service file controls what the daemon (root) starts,
 * so a service file, a directory on its way, the config directory, or any directory above it that another user can
 * write or owns is refused with the {@code chmod}/{@code chown} that fixes it.
 *
 * @param maxFileBytes the largest service file read, in bytes
 * @param runsAsRoot whether the ownership rules apply (the daemon's user is root)
 * @param files where owners and modes come from; injectable so tests can simulate root and other owners
 */
public record ReadPolicy(long maxFileBytes, boolean runsAsRoot, FileAttributes files) {

    /** 1 MiB: the largest Orbit example is 3 KiB; inline files make files grow, but not to megabytes. */
    public static final long DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

    public ReadPolicy {
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("maxFileBytes must be at least 1, got " + maxFileBytes);
        }
        requireNonNull(files, "files is null");
    }

    /** The default limit; ownership rules when this process runs as root. */
    public static ReadPolicy defaults() {
        return forThisProcess(DEFAULT_MAX_FILE_BYTES);
    }

    public static ReadPolicy forThisProcess(long maxFileBytes) {
        return new ReadPolicy(maxFileBytes, FileAttributes.POSIX.isRoot(), FileAttributes.POSIX);
    }

    /** Owner and mode of a path, not following a final symbolic link. */
    public interface FileAttributes {

        /** The owner's uid and the permission bits (with set-id and sticky bits, as {@code stat} gives them). */
        Owner owner(Path path) throws IOException;

        record Owner(int uid, int mode) {}

        /** The {@code unix:} view of this machine's file system. */
        FileAttributes POSIX =
                path -> new Owner((Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS), (Integer)
                        Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS));

        /** Whether this process runs as root (uid 0), as {@code /proc/self} says; else its user name. */
        default boolean isRoot() {
            try {
                return owner(Path.of("/proc/self")).uid() == 0;
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
                return "root".equals(System.getProperty("user.name"));
            }
        }
    }
}
