package io.orbit.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.SpecProblem;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the config directory refuses to read: files over the size limit (before reading them), symbolic links that
 * leave the directory, and, when the daemon runs as root, files and directories another user can write or owns. Runs
 * with real POSIX modes in a temporary directory; "runs as root" and other owners are injected ({@link ReadPolicy}).
 */
class ConfigDirectorySafetyTest {

    private static final String VALID =
            "name: %s\ninstance_count: {min: 1, max: 1}\nspec: {containers: [{name: main, image: nginx}]}\n";
    private static final long LIMIT = 1024;

    @TempDir
    Path work;

    private Path root;
    /** Owners the fake reports instead of the real ones (uid), by path. */
    private final Map<Path, Integer> otherOwners = new HashMap<>();

    private final ReadPolicy.FileAttributes attributes = path -> {
        ReadPolicy.FileAttributes.Owner real = ReadPolicy.FileAttributes.POSIX.owner(path);
        Integer uid = otherOwners.get(path);
        return uid == null ? real : new ReadPolicy.FileAttributes.Owner(uid, real.mode());
    };

    @BeforeEach
    void createRoot() throws IOException {
        root = Files.createDirectories(work.resolve("services"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Path write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    private List<ParsedFile> load(boolean runsAsRoot) {
        return new ConfigDirectory(root, new ReadPolicy(LIMIT, runsAsRoot, attributes)).loadAll();
    }

    private static List<String> problems(List<ParsedFile> files) {
        return files.stream()
                .flatMap(file -> file.problems().stream())
                .map(SpecProblem::toString)
                .toList();
    }

    @Test
    void asRootAGroupOrWorldWritableFileIsRefusedWithTheChmod() throws IOException {
        Path web = write("web.yml", VALID.formatted("web"));
        Path api = write("api.yml", VALID.formatted("api"));
        write("ok.yml", VALID.formatted("ok"));
        Files.setPosixFilePermissions(web, PosixFilePermissions.fromString("rw-rw-r--"));
        Files.setPosixFilePermissions(api, PosixFilePermissions.fromString("rw-r--rw-"));

        List<ParsedFile> files = load(true);

        assertThat(problems(files))
                .containsExactly(
                        "api.yml: is writable by group or others (mode 0646) while the daemon runs as root: they"
                                + " control the host through it; chmod go-w " + api,
                        "web.yml: is writable by group or others (mode 0664) while the daemon runs as root: they"
                                + " control the host through it; chmod go-w " + web);
        assertThat(files)
                .filteredOn(file -> file.spec().isPresent())
                .extracting(file -> file.file().toString())
                .containsExactly("ok.yml");
    }

    @Test
    void asRootAFileOwnedByAnotherUserIsRefusedWithTheChown() throws IOException {
        Path web = write("web.yml", VALID.formatted("web"));
        otherOwners.put(web, 1000);

        assertThat(problems(load(true)))
                .containsExactly("web.yml: is owned by uid 1000, not root, while the daemon runs as root: that user"
                        + " controls the host through it; chown root " + web);
    }

    @Test
    void asRootANestedDirectoryOthersCanWriteRefusesItsFilesNamingTheDirectory() throws IOException {
        write("team/api.yml", VALID.formatted("api"));
        Path team = root.resolve("team");
        Files.setPosixFilePermissions(team, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(problems(load(true)))
                .containsExactly("team/api.yml: its directory " + team + " is writable by group or others (mode 0777)"
                        + " while the daemon runs as root: they control the host through it; chmod go-w " + team);
    }

    @Test
    void asRootAConfigDirectoryOthersCanWriteIsRefusedAsAWhole() throws IOException {
        write("web.yml", VALID.formatted("web"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxr-x"));

        assertThatThrownBy(() -> load(true))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("refusing to read the config directory " + root)
                .hasMessageContaining("chmod go-w " + root.toRealPath());
    }

    @Test
    void asRootAConfigDirectoryOrADirectoryAboveItOwnedByAnotherUserIsRefused() throws IOException {
        write("web.yml", VALID.formatted("web"));
        otherOwners.put(work.toRealPath(), 1000);

        assertThatThrownBy(() -> load(true))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(
                        "the directory " + work.toRealPath() + " above the config directory is owned by" + " uid 1000")
                .hasMessageContaining("chown root " + work.toRealPath());
    }

    @Test
    void asRootTheDirectoriesAboveALinkedConfigDirectoryAreCheckedToo() throws IOException {
        write("web.yml", VALID.formatted("web"));
        Path open = Files.createDirectories(work.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path link = Files.createSymbolicLink(open.resolve("services"), root);

        assertThatThrownBy(() -> new ConfigDirectory(link, new ReadPolicy(LIMIT, true, attributes)).loadAll())
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("the directory " + open + " above the config directory is writable by group or"
                        + " others (mode 0777)")
                .hasMessageContaining("chmod go-w " + open);
    }

    @Test
    void aWorldWritableStickyDirectoryAboveTheConfigDirectoryIsAccepted() throws IOException {
        // /tmp, where this test's directory lives, is 1777 and root's: others cannot rename what they do not own.
        write("web.yml", VALID.formatted("web"));

        assertThat(problems(load(true))).isEmpty();
    }

    @Test
    void notAsRootOwnershipAndModesAreNotChecked() throws IOException {
        Path web = write("web.yml", VALID.formatted("web"));
        Files.setPosixFilePermissions(web, PosixFilePermissions.fromString("rw-rw-rw-"));
        otherOwners.put(web, 1000);

        assertThat(load(false))
                .singleElement()
                .satisfies(file -> assertThat(file.spec()).isPresent());
    }

    @Test
    void aLinkToAFileOutsideTheConfigDirectoryIsRefusedNamingLinkAndTarget() throws IOException {
        Path outside = Files.writeString(work.resolve("elsewhere.yml"), VALID.formatted("web"));
        Files.createSymbolicLink(root.resolve("web.yml"), outside);
        write("shared/api.yml", VALID.formatted("api"));
        Files.createSymbolicLink(root.resolve("api.yml"), root.resolve("shared/api.yml"));
        Files.createSymbolicLink(root.resolve("passwd.yml"), Path.of("/etc/passwd"));

        List<ParsedFile> files = load(false);

        assertThat(problems(files))
                .containsExactly(
                        "passwd.yml: is a symbolic link to /etc/passwd, outside the config directory "
                                + root.toRealPath() + "; copy the file into the config directory, or remove the link",
                        "web.yml: is a symbolic link to " + outside.toRealPath() + ", outside the config directory "
                                + root.toRealPath() + "; copy the file into the config directory, or remove the link");
        assertThat(files)
                .filteredOn(file -> file.spec().isPresent())
                .extracting(file -> file.file().toString())
                .as("a link inside the directory is fine")
                .containsExactly("api.yml", "shared/api.yml");
    }

    @Test
    void aLinkToADirectoryOutsideTheConfigDirectoryIsRefusedAndItsFilesAreNotRead() throws IOException {
        Path outside = Files.createDirectories(work.resolve("other"));
        Files.writeString(outside.resolve("evil.yml"), VALID.formatted("evil"));
        Files.createSymbolicLink(root.resolve("team"), outside);

        List<ParsedFile> files = load(false);

        assertThat(problems(files))
                .containsExactly("team: is a symbolic link to the directory " + outside.toRealPath() + ", outside the"
                        + " config directory; its files were not read. Move them into the config directory, or"
                        + " remove the link");
        assertThat(files).noneMatch(file -> file.spec().isPresent());
    }

    @Test
    void aFileOverTheLimitIsRefusedWithItsSizeAndOneAtTheLimitIsRead() throws IOException {
        String padding = "# " + "x".repeat((int) LIMIT) + "\n";
        write("big.yml", VALID.formatted("big") + padding);
        String exact = VALID.formatted("exact");
        write("exact.yml", exact + "#".repeat((int) LIMIT - exact.length()));

        List<ParsedFile> files = load(false);

        long size = Files.size(root.resolve("big.yml"));
        assertThat(problems(files))
                .containsExactly("big.yml: is " + size + " bytes, over the limit of 1024 bytes for a service file; it"
                        + " was not read. Make it smaller (one service per file), or raise --max-service-file-size");
        assertThat(Files.size(root.resolve("exact.yml"))).isEqualTo(LIMIT);
        assertThat(files).filteredOn(file -> file.spec().isPresent()).hasSize(1);
    }

    @Test
    void aHugeFileIsRefusedBeforeItIsRead() throws IOException {
        // 64 GiB, sparse: reading it would take minutes and more memory than the test has; refusing it takes none.
        Path huge = write("huge.yml", "");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(64L << 30);
        }

        long started = System.nanoTime();
        List<ParsedFile> files = new ConfigDirectory(root, ReadPolicy.defaults()).loadAll();

        assertThat(problems(files))
                .singleElement()
                .asString()
                .startsWith("huge.yml: is 68719476736 bytes, over the limit of 1048576 bytes");
        assertThat(System.nanoTime() - started).isLessThan(5_000_000_000L);
    }
}
