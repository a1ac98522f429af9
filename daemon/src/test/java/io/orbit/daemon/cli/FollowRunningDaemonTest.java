package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.daemon.api.InProcessDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's "the CLI follows the running daemon": {@code validate}, {@code plan} and {@code doctor} use the runtime,
 * engine socket and config directory of the daemon that answers on the control socket, say so, and keep whatever the
 * command line gives.
 */
class FollowRunningDaemonTest {

    @TempDir
    Path work;

    private CliTest.Run orbit(Path socket, String... command) throws Exception {
        Path config = work.resolve("orbit.yaml");
        if (!Files.exists(config)) {
            Files.writeString(config, "");
        }
        List<String> arguments = new ArrayList<>(List.of(command));
        arguments.addAll(List.of("--config-file", config.toString(), "--control-socket", socket.toString()));
        return CliTest.run(arguments.toArray(String[]::new));
    }

    @Test
    void validateWithoutADirectoryChecksTheRunningDaemonsAndSaysSo() throws Exception {
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty())) {
            CliTest.Run validated = orbit(daemon.socket, "validate");

            assertThat(validated.exitCode()).as(validated.err()).isZero();
            assertThat(validated.out()).contains("1 service(s) valid, 0 error(s)");
            assertThat(validated.err())
                    .contains("orbit validate: using the running daemon's config directory "
                            + daemon.configDirectory.toAbsolutePath())
                    .contains("it answers on " + daemon.socket)
                    .doesNotContain("runtime");
        }
    }

    @Test
    void whatTheCommandLineGivesStays() throws Exception {
        Path other = Files.createDirectory(work.resolve("other"));
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty())) {
            CliTest.Run named = orbit(daemon.socket, "validate", other.toString());
            CliTest.Run withC = orbit(daemon.socket, "validate", "-c", other.toString());

            for (CliTest.Run run : List.of(named, withC)) {
                assertThat(run.exitCode()).as(run.err()).isZero();
                assertThat(run.out()).contains("0 service(s) valid");
                assertThat(run.err()).doesNotContain("using the running daemon");
            }
        }
    }

    @Test
    void planFollowsTheDaemonsRuntimeSocketAndDirectory() throws Exception {
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty())) {
            CliTest.Run plan = orbit(daemon.socket, "plan");

            // The in-memory daemon says podman on its (made-up) socket: plan names them, whatever it then finds.
            assertThat(plan.err())
                    .contains("orbit plan: using the running daemon's runtime podman (/in-memory) and config directory "
                            + daemon.configDirectory.toAbsolutePath());
        }
    }

    @Test
    void withoutADaemonTheDefaultsStayAndNothingIsSaid() throws Exception {
        CliTest.Run validated = orbit(work.resolve("no-daemon.sock"), "validate");

        assertThat(validated.exitCode()).isEqualTo(2);
        assertThat(validated.err()).contains("no such directory configs").doesNotContain("using the running daemon");
    }

    @Test
    void anAnswerWithoutTheFieldsIsNotFollowed() {
        assertThat(RunningDaemon.parse(Path.of("/s"), InProcessDaemon.json("{\"status\": \"ok\"}")))
                .isEmpty();
        assertThat(RunningDaemon.parse(
                        Path.of("/s"),
                        InProcessDaemon.json("{\"runtime\": \"lxc\", \"config_directory\": \"/etc/orbit/services\"}")))
                .isEmpty();
        assertThat(RunningDaemon.parse(
                        Path.of("/s"),
                        InProcessDaemon.json("{\"runtime\": \"docker\", \"runtime_socket\": null,"
                                + " \"config_directory\": \"/srv/orbit\"}")))
                .hasValueSatisfying(daemon -> {
                    assertThat(daemon.runtime()).hasToString("docker");
                    assertThat(daemon.runtimeSocket()).isEmpty();
                    assertThat(daemon.configDirectory()).isEqualTo(Path.of("/srv/orbit"));
                });
    }
}
