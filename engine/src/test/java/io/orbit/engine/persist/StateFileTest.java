package io.orbit.engine.persist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {

    @TempDir
    Path directory;

    @Test
    void aWriteReplacesTheWholeContentAndLeavesNoTemporaryFile() throws IOException {
        StateFile file = new StateFile(directory.resolve("scaling.json"));
        assertThat(file.read()).isEmpty();
        file.write("first".getBytes(StandardCharsets.UTF_8));
        file.write("second, longer".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(file.read().orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo("second, longer");
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).containsExactly(directory.resolve("scaling.json"));
        }
        assertThat(Files.getPosixFilePermissions(file.path()))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void aCrashInTheMiddleOfAWriteLeavesTheOldContent() throws IOException {
        StateFile file = new StateFile(directory.resolve("scaling.json"));
        file.write("old".getBytes(StandardCharsets.UTF_8));
        // What a crash before the rename leaves: a torn temporary file beside the intact old one.
        Path torn = directory.resolve(".scaling.json" + StateFile.TEMPORARY + "1a2b");
        Files.writeString(torn, "{\"format\":1,\"pi");
        assertThat(new String(file.read().orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo("old");
        file.removeLeftovers();
        assertThat(torn).doesNotExist();
        assertThat(new String(file.read().orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo("old");
    }

    @Test
    void aFileSetAsideKeepsItsContentUnderATimeStampedName() throws IOException {
        StateFile file = new StateFile(directory.resolve("restarts.json"));
        file.write("garbage".getBytes(StandardCharsets.UTF_8));
        Path aside = file.setAside(Instant.parse("2026-12-05T12:34:56.789Z"));
        assertThat(aside.getFileName().toString()).isEqualTo("restarts.json.corrupt-20261205T123456.789Z");
        assertThat(Files.readString(aside)).isEqualTo("garbage");
        assertThat(file.read()).isEmpty();
    }

    @Test
    void aFailedWriteKeepsTheOldContentAndRemovesItsTemporaryFile() throws IOException {
        Path target = directory.resolve("scaling.json");
        StateFile file = new StateFile(target);
        file.write("old".getBytes(StandardCharsets.UTF_8));
        // A directory where the file should be: the rename fails after the temporary file was written.
        Files.delete(target);
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep"), "x");
        try {
            file.write("new".getBytes(StandardCharsets.UTF_8));
        } catch (IOException expected) {
            // the rename over a non-empty directory fails
        }
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.contains(StateFile.TEMPORARY));
        }
    }
}
