package io.orbit.daemon.cli;

import static io.orbit.daemon.api.InProcessDaemon.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.daemon.api.InProcessDaemon;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI against a daemon in this JVM (in-memory runtime, real API on a loopback port and a control socket): what
 * each command prints and exits with, over the socket and, for reads, over TCP.
 */
class CliTest {

    @TempDir
    Path work;

    record Run(int exitCode, String out, String err) {}

    @Test
    void statusPrintsTheServicesTableAndOneServiceInDetail() throws Exception {
        try (InProcessDaemon daemon = startWithTwoPods()) {
            Run table = orbit(daemon, "status");
            Run detail = orbit(daemon, "status", "web");

            assertThat(table.exitCode()).isZero();
            assertThat(table.out())
                    .startsWith("SERVICE  PODS  MIN/MAX  LAST ERROR\n")
                    .contains("web      2/2   2/4      -");
            assertThat(detail.exitCode()).isZero();
            assertThat(detail.out())
                    .startsWith("web (")
                    .contains("2/2 pods running (min 2, max 4)")
                    .contains("POD  UUID")
                    .contains(" main ")
                    .contains("running");
        }
    }

    @Test
    void anUnknownServiceFailsNamingTheKnownOnes() throws Exception {
        try (InProcessDaemon daemon = startWithTwoPods()) {
            Run missing = orbit(daemon, "status", "nope");

            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.err())
                    .contains("orbit status: no service 'nope'")
                    .contains("fix: known services: web");
        }
    }

    @Test
    void scaleSaysTheClampedCountAndRestartWhatItDoes() throws Exception {
        try (InProcessDaemon daemon = startWithTwoPods()) {
            Run scaled = orbit(daemon, "scale", "web", "9");
            Run restarted = orbit(daemon, "restart", "web");

            assertThat(scaled.exitCode()).isZero();
            assertThat(scaled.out()).contains("web: 9 replicas asked, clamped to 4 (instance_count max 4");
            await("four pods", () -> daemon.running("web"), running -> running.size() == 4);
            assertThat(restarted.exitCode()).isZero();
            assertThat(restarted.out()).startsWith("web: rolling restart of ");
        }
    }

    @Test
    void eventsPrintThePodsStartedAndLogsTheirContainersLines() throws Exception {
        try (InProcessDaemon daemon = startWithTwoPods()) {
            Run events = orbit(daemon, "events");
            Run logs = await(
                    "both pods' lines",
                    () -> orbit(daemon, "logs", "web"),
                    run -> run.out().lines().count() == 4);

            assertThat(events.exitCode()).isZero();
            assertThat(events.out().lines().filter(line -> line.contains("pod-started")))
                    .hasSize(2)
                    .allSatisfy(line -> assertThat(line).contains("web/"));
            assertThat(logs.out().lines())
                    .contains("web/0/main | hello from web", "web/1/main | hello from web", "web/0/main | warming up");
            assertThat(orbit(daemon, "logs", "web", "--tail", "1").out().lines())
                    .hasSize(2);
            assertThat(orbit(daemon, "events", "--service", "other").out()).isEmpty();
        }
    }

    @Test
    void readsFallBackToTcpButChangesNeedTheSocketOrTheToken() throws Exception {
        try (InProcessDaemon daemon = startWithTwoPods()) {
            Path noSocket = work.resolve("elsewhere/orbit.sock");
            Run status = orbitOver(daemon, noSocket, List.of(), "status");
            Run scale = orbitOver(daemon, noSocket, List.of(), "scale", "web", "3");

            assertThat(status.exitCode()).isZero();
            assertThat(status.out()).contains("web      2/2");
            assertThat(scale.exitCode()).isEqualTo(1);
            assertThat(scale.err())
                    .contains("cannot reach the daemon's control socket " + noSocket + ": no such socket file")
                    .contains("--api-token FILE");
        }
    }

    @Test
    void withTheTokenChangesGoOverTcp() throws Exception {
        Path token = Files.writeString(work.resolve("token"), "let-me-in");
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.of(token))) {
            await("two pods", () -> daemon.running("web"), running -> running.size() == 2);

            Run scaled = orbitOver(daemon, null, List.of("--api-token", token.toString()), "scale", "web", "3");

            assertThat(scaled.exitCode()).as(scaled.err()).isZero();
            assertThat(scaled.out()).contains("web: scaled to 3 replicas");
        }
    }

    @Test
    void anUnreachableDaemonIsOneErrorWithTheFix() throws Exception {
        Run run = run(
                "--config-file",
                emptyConfig().toString(),
                "--control-socket",
                work.resolve("none.sock").toString(),
                "--api-address",
                "127.0.0.1:1",
                "status");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("cannot reach the orbit daemon: control socket " + work.resolve("none.sock"))
                .contains("TCP API 127.0.0.1:1")
                .contains("fix: start the daemon");
    }

    private InProcessDaemon startWithTwoPods() throws Exception {
        InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty());
        await(
                "two pods in /status",
                () -> daemon.socket("GET", "/services/web", null),
                answer -> answer.status() == 200
                        && answer.json().path("running_pods").asInt() == 2);
        return daemon;
    }

    private Run orbit(InProcessDaemon daemon, String... command) {
        return orbitOver(daemon, daemon.socket, List.of(), command);
    }

    /** Runs {@code orbit [options] COMMAND} with the options after the command, as users type them. */
    private Run orbitOver(InProcessDaemon daemon, Path socket, List<String> options, String... command) {
        List<String> arguments = new ArrayList<>(List.of(command));
        arguments.addAll(List.of(
                "--config-file",
                emptyConfig().toString(),
                "--control-socket",
                socket == null ? "none" : socket.toString(),
                "--api-address",
                "127.0.0.1:" + daemon.port()));
        arguments.addAll(options);
        return run(arguments.toArray(String[]::new));
    }

    private Path emptyConfig() {
        Path file = work.resolve("orbit.yaml");
        try {
            return Files.exists(file) ? file : Files.writeString(file, "");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs the command line as {@code orbit} would, capturing what it prints. */
    static Run run(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = OrbitCommand.commandLine(arguments);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(arguments);
        return new Run(exitCode, out.toString(), err.toString());
    }
}
