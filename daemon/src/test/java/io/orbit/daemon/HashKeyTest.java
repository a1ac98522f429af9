package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-host key of the API's hashes: made once with mode 0600, read back, refused when others may read it. */
class HashKeyTest {

    @TempDir
    Path work;

    private static SecureRandom seeded() throws Exception {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(13);
        return random;
    }

    @Test
    void isCreatedOnceWithOwnerOnlyModesAndReadBackUnchanged() throws Exception {
        Path state = work.resolve("state/orbit");

        byte[] first = HashKey.loadOrCreate(state, seeded());
        byte[] again = HashKey.loadOrCreate(state, new SecureRandom());

        Path file = state.resolve(HashKey.FILE_NAME);
        assertThat(first).hasSize(32).isEqualTo(again).isEqualTo(Files.readAllBytes(file));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state)))
                .isEqualTo("rwx------");
        try (var left = Files.list(state)) {
            assertThat(left).as("no temporary file is left").containsExactly(file);
        }
    }

    @Test
    void twoHostsGetDifferentKeys() throws Exception {
        assertThat(HashKey.loadOrCreate(work.resolve("a"), new SecureRandom()))
                .isNotEqualTo(HashKey.loadOrCreate(work.resolve("b"), new SecureRandom()));
    }

    @Test
    void aKeyOthersMayReadIsRefusedWithTheFix() throws Exception {
        Path state = work.resolve("state");
        HashKey.loadOrCreate(state, seeded());
        Path file = state.resolve(HashKey.FILE_NAME);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> HashKey.loadOrCreate(state, seeded()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("others may read it (rw-r--r--)")
                .hasMessageContaining("chmod 600 " + file);
    }

    @Test
    void aKeyOfTheWrongLengthOrALinkIsRefused() throws Exception {
        Path state = Files.createDirectories(work.resolve("state"));
        Path file = state.resolve(HashKey.FILE_NAME);
        Files.write(file, new byte[5]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> HashKey.loadOrCreate(state, seeded())).hasMessageContaining("holds 5 bytes, not 32");

        Files.delete(file);
        Files.createSymbolicLink(file, work.resolve("elsewhere"));
        assertThatThrownBy(() -> HashKey.loadOrCreate(state, seeded())).hasMessageContaining("not a regular file");
    }

    @Test
    void aReadOnlyCommandReadsTheDaemonsKeyAndNeverMakesOne() throws Exception {
        Path state = work.resolve("state");
        assertThatThrownBy(() -> HashKey.loadExisting(state))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(state.resolve(HashKey.FILE_NAME).toString())
                .hasMessageContaining("pass the daemon's --state-dir");
        assertThat(state).as("no state directory is made").doesNotExist();

        byte[] made = HashKey.loadOrCreate(state, seeded());
        assertThat(HashKey.loadExisting(state)).isEqualTo(made);
    }
}
