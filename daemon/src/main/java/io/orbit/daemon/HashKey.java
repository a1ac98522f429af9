package io.orbit.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * The per-host secret that keys the hashes the API shows ({@code config_hash}): 32 bytes from {@link SecureRandom},
 * generated once and kept in {@code <state dir>/config-hash.key} with mode 0600 (the directory 0700). Without it, a
 * local user reading {@code /status} could test guesses of a low-entropy {@code env} value against the hash; with it,
 * only someone who can read the key file (root, or the daemon's user) can.
 *
 * <p>Deleting the file rotates the key at the next start: the hashes shown change, nothing else does (pods are
 * labelled with the unkeyed pod template hash, so no pod is replaced).
 */
public final class HashKey {

    static final String FILE_NAME = "config-hash.key";
    static final int KEY_BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private HashKey() {}

    /**
     * The key in {@code stateDirectory}, created (with the directory) if missing.
     *
     * @throws UncheckedIOException if it cannot be read or created, or if others may read it (with the fix)
     */
    public static byte[] loadOrCreate(Path stateDirectory, SecureRandom random) {
        Path file = stateDirectory.resolve(FILE_NAME);
        try {
            if (!Files.isDirectory(stateDirectory)) {
                Files.createDirectories(stateDirectory);
                Files.setPosixFilePermissions(stateDirectory, OWNER_ONLY_DIRECTORY);
            }
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                create(file, random);
            }
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read or create the hash key " + file + ": " + e.getMessage()
                            + "; make --state-dir " + stateDirectory + " writable by the daemon's user, or pass another"
                            + " --state-dir",
                    e);
        }
    }

    /**
     * The key in {@code stateDirectory}, never created: for commands that only read ({@code orbit plan}), which must
     * digest under the daemon's key and must not leave a state directory (or a key) where no daemon keeps its state.
     *
     * @throws UncheckedIOException if there is none (naming the directory and the fix), or it cannot be read
     */
    public static byte[] loadExisting(Path stateDirectory) {
        Path file = stateDirectory.resolve(FILE_NAME);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new UncheckedIOException(new java.nio.file.NoSuchFileException(
                    file.toString(),
                    null,
                    "no hash key here (none is made by this command); pass the daemon's --state-dir, as its user, to"
                            + " compare secrets with the running pods"));
        }
        try {
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the hash key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Written to a temporary file with mode 0600 and moved in place: a reader never sees a partial key. */
    private static void create(Path file, SecureRandom random) throws IOException {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        Path temporary = Files.createTempFile(
                file.getParent(), FILE_NAME, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        try {
            Files.write(temporary, key);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException anotherDaemonWasFaster) {
                // its key is as good as ours
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static byte[] read(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is not a regular file (a link?); remove it, a new key is made at start");
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (permissions.stream().anyMatch(permission -> !OWNER_ONLY_FILE.contains(permission))) {
            throw new AccessDeniedException(
                    file.toString(),
                    null,
                    "others may read it (" + PosixFilePermissions.toString(permissions) + "); the key may have"
                            + " leaked: delete it (a new one is made at start) or chmod 600 " + file);
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length != KEY_BYTES) {
            throw new IOException(file + " holds " + key.length + " bytes, not " + KEY_BYTES + "; delete it, a new"
                    + " key is made at start");
        }
        return key;
    }
}
