package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.daemon.DaemonOptions;
import io.orbit.daemon.cli.DoctorChecks.Check;
import io.orbit.daemon.cli.DoctorChecks.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: the state directory's defaults and {@code orbit doctor}'s state store check. */
class StateStoreChecksTest {

    @TempDir
    Path directory;

    @Test
    void aSourceCheckoutKeepsItsStateBesideTheConfigDirectory() throws IOException {
        Path checkout = Files.createDirectories(directory.resolve("orbit"));
        Files.writeString(checkout.resolve("mvnw"), "#!/bin/sh\n");
        Files.writeString(checkout.resolve("pom.xml"), "<project/>");
        Files.createDirectories(checkout.resolve("daemon"));
        Path configs = Files.createDirectories(checkout.resolve("configs"));

        assertThat(DaemonOptions.Hardening.defaultStateDirectory(configs, true, Map.of(), "/root"))
                .isEqualTo(checkout.resolve("state"));
        assertThat(DaemonOptions.Hardening.defaultStateDirectory(configs, false, Map.of(), "/home/a"))
                .isEqualTo(checkout.resolve("state"));
    }

    @Test
    void elsewhereTheDefaultsAreTheSystemAndXdgOnes() throws IOException {
        Path etc = Files.createDirectories(directory.resolve("etc/orbit/services"));
        // A pom.xml alone (someone's project beside the config directory) is not an Orbit checkout.
        Files.writeString(etc.resolveSibling("pom.xml"), "<project/>");
        assertThat(DaemonOptions.Hardening.defaultStateDirectory(etc, true, Map.of(), "/root"))
                .isEqualTo(Path.of("/var/lib/orbit"));
        assertThat(DaemonOptions.Hardening.defaultStateDirectory(
                        etc, false, Map.of("XDG_STATE_HOME", "/home/a/.state"), "/home/a"))
                .isEqualTo(Path.of("/home/a/.state/orbit"));
        assertThat(DaemonOptions.Hardening.defaultStateDirectory(etc, false, Map.of(), "/home/a"))
                .isEqualTo(Path.of("/home/a/.local/state/orbit"));
    }

    @Test
    void theRunningDaemonsReportWins() {
        Check ok = DoctorChecks.stateStore(
                Optional.of(new DoctorChecks.StoreHealth("/var/lib/orbit", true, "", "2026-12-05T12:00:00Z")),
                directory);
        assertThat(ok.outcome()).isEqualTo(Outcome.OK);
        assertThat(ok.detail()).contains("/var/lib/orbit");

        Check failing = DoctorChecks.stateStore(
                Optional.of(new DoctorChecks.StoreHealth(
                        "/var/lib/orbit", false, "No space left on device", "2026-12-05T12:00:00Z")),
                directory);
        assertThat(failing.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(failing.detail()).contains("No space left on device").contains("since 2026-12-05T12:00:00Z");
        assertThat(failing.fix().orElseThrow()).contains("df -h /var/lib/orbit").contains("--state-dir");
    }

    @Test
    void withoutADaemonTheDirectoryMustBeWritableOrCreatable() throws IOException {
        assertThat(DoctorChecks.stateStore(Optional.empty(), directory).outcome())
                .isEqualTo(Outcome.OK);
        assertThat(DoctorChecks.stateStore(Optional.empty(), directory.resolve("a/b"))
                        .detail())
                .contains("will be made (0700)");
        Path file = Files.writeString(directory.resolve("file"), "x");
        Check blocked = DoctorChecks.stateStore(Optional.empty(), file.resolve("state"));
        assertThat(blocked.outcome()).isEqualTo(Outcome.WARN);
        assertThat(blocked.fix().orElseThrow()).contains("state_dir");
    }
}
