package io.orbit.engine.volume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Writes a volume's inline files into their directory so that a reader never sees half a file or half a version: a
 * new directory is filled beside its final name and renamed into place; a file that differs in an existing
 * directory (edited or deleted by hand) is rewritten through a temporary file and an atomic rename.
 */
final class InlineFiles {

    /** The mode of inline files without {@code permissions}: the same on every host, whatever the daemon's umask. */
    static final Set<PosixFilePermission> DEFAULT_MODE = PosixFilePermissions.fromString("rw-r--r--");

    static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    private InlineFiles() {}

    /**
     * The file mode written as {@code permissions} ({@code "0644"}, {@code "644"}); validation guarantees 3 or 4 octal
     * digits without setuid, setgid or sticky bits.
     */
    static Set<PosixFilePermission> mode(@Nullable String permissions) {
        if (permissions == null) {
            return DEFAULT_MODE;
        }
        int bits = Integer.parseInt(permissions, 8);
        if (bits < 0 || bits > 0777) {
            throw new IllegalArgumentException("not a file mode without special bits: " + permissions);
        }
        StringBuilder symbolic = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            symbolic.append((bits & (0400 >> i)) != 0 ? letters.charAt(i) : '-');
        }
        return PosixFilePermissions.fromString(symbolic.toString());
    }

    /** True when {@code name} is one path element that stays inside its directory. */
    static boolean isPlainName(String name) {
        return !name.isEmpty()
                && !name.equals(".")
                && !name.equals("..")
                && name.indexOf('/') < 0
                && name.indexOf('\0') < 0;
    }

    /**
     * Makes {@code directory} hold exactly {@code files} with {@code mode}.
     *
     * @return how many files were written (0 when the directory was already right)
     */
    static int write(Path directory, Map<String, String> files, Set<PosixFilePermission> mode) throws IOException {
        for (String name : files.keySet()) {
            if (!isPlainName(name)) {
                throw new IllegalArgumentException("inline file name is not a plain name: " + name);
            }
        }
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = directory.getParent();
            Files.createDirectories(parent);
            Path staging = Files.createTempDirectory(parent, "." + directory.getFileName() + ".");
            try {
                for (Map.Entry<String, String> file : files.entrySet()) {
                    Path target = staging.resolve(file.getKey());
                    Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
                    Files.setPosixFilePermissions(target, mode);
                }
                Files.setPosixFilePermissions(staging, DIRECTORY_MODE);
                Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
                return files.size();
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException anotherWriterWasFaster) {
                // a parallel pod start of the same version renamed its copy first: check that one below
                deleteTree(staging);
            } catch (IOException | RuntimeException e) {
                deleteTree(staging);
                throw e;
            }
        }
        return repair(directory, files, mode);
    }

    private static int repair(Path directory, Map<String, String> files, Set<PosixFilePermission> mode)
            throws IOException {
        int written = 0;
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = directory.resolve(file.getKey());
            byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                    && Arrays.equals(Files.readAllBytes(target), content)) {
                if (!Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS)
                        .equals(mode)) {
                    Files.setPosixFilePermissions(target, mode);
                }
                continue;
            }
            Path temporary = Files.createTempFile(directory, "." + file.getKey() + ".", ".tmp");
            try {
                Files.write(temporary, content);
                Files.setPosixFilePermissions(temporary, mode);
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                written++;
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
        return written;
    }

    /** Deletes a directory tree (or a file); a missing path is fine. Symbolic links are removed, not followed. */
    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(path)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path each : all) {
            Files.deleteIfExists(each);
        }
    }
}
