package io.orbit.engine.netlimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class HostNetworkLimiterTest {

    /** Answers by the command line; records what ran. */
    private static final class ScriptedCommands implements CommandRunner {
        final List<List<String>> ran = new ArrayList<>();
        final Function<List<String>, Result> answers;

        ScriptedCommands(Function<List<String>, Result> answers) {
            this.answers = answers;
        }

        @Override
        public Result run(List<String> command, Duration timeout) throws IOException {
            ran.add(command);
            Result result = answers.apply(command);
            if (result == null) {
                throw new IOException("Cannot run program \"" + command.getFirst() + "\": error=2, No such file");
            }
            return result;
        }
    }

    @Test
    void aRootDaemonWithTheToolsCanLimit() {
        ScriptedCommands commands = new ScriptedCommands(command -> new CommandRunner.Result(0, "ok"));

        assertThat(HostNetworkLimiter.check(commands, 0).available()).isTrue();
        assertThat(commands.ran).extracting(List::getFirst).containsExactly("tc", "ip", "nsenter");
    }

    @Test
    void missingToolsAreNamedWithTheFix() {
        ScriptedCommands commands = new ScriptedCommands(
                command -> command.getFirst().equals("ip") ? new CommandRunner.Result(0, "ip") : null);

        NetworkLimitSupport support = HostNetworkLimiter.check(commands, 0);

        assertThat(support.available()).isFalse();
        assertThat(support.problem()).startsWith("tc, nsenter not found");
        assertThat(support.fix()).contains("apt-get install -y iproute2 util-linux");
    }

    @Test
    void aNonRootDaemonCannotLimit() {
        NetworkLimitSupport support =
                HostNetworkLimiter.check(new ScriptedCommands(command -> new CommandRunner.Result(0, "")), 1001);

        assertThat(support.available()).isFalse();
        assertThat(support.problem()).contains("uid 1001");
        assertThat(support.fix()).contains("root");
    }

    @Test
    void appliesEgressInTheNamespaceAndIngressOnTheHostVeth() throws Exception {
        ScriptedCommands commands = new ScriptedCommands(command -> {
            if (command.equals(List.of("nsenter", "-t", "99", "-n", "ip", "-o", "link", "show"))) {
                return new CommandRunner.Result(0, "1: lo: <LOOPBACK>\n2: eth0@if8: <UP> mtu 1500");
            }
            if (command.equals(List.of("ip", "-o", "link", "show"))) {
                return new CommandRunner.Result(0, "1: lo: <LOOPBACK>\n8: vethcafe@if2: <UP> mtu 1500");
            }
            return new CommandRunner.Result(0, "");
        });
        HostNetworkLimiter limiter = new HostNetworkLimiter(commands, NetworkLimitSupport.supported());

        limiter.apply(99, new NetworkLimit(2_000_000, 0, 1_000_000, 0));

        assertThat(commands.ran)
                .filteredOn(command -> command.contains("qdisc"))
                .extracting(command -> String.join(" ", command))
                .containsExactly(
                        "nsenter -t 99 -n tc qdisc replace dev eth0 root tbf rate 1000000bit burst 32768 latency 50ms",
                        "tc qdisc replace dev vethcafe root tbf rate 2000000bit burst 32768 latency 50ms");
    }

    @Test
    void aFailingCommandIsReportedWithItsOutput() {
        ScriptedCommands commands = new ScriptedCommands(command -> command.contains("qdisc")
                ? new CommandRunner.Result(2, "Error: Specified qdisc kind is unknown.")
                : new CommandRunner.Result(0, "2: eth0@if8: <UP>"));
        HostNetworkLimiter limiter = new HostNetworkLimiter(commands, NetworkLimitSupport.supported());

        assertThatThrownBy(() -> limiter.apply(99, new NetworkLimit(0, 0, 1_000_000, 0)))
                .isInstanceOf(NetworkLimiter.NetworkLimitException.class)
                .hasMessageContaining("exit code 2")
                .hasMessageContaining("qdisc kind is unknown");
    }

    @Test
    void anUnsupportedHostRunsNothing() {
        ScriptedCommands commands = new ScriptedCommands(command -> new CommandRunner.Result(0, ""));
        HostNetworkLimiter limiter =
                new HostNetworkLimiter(commands, NetworkLimitSupport.unsupported("tc not found", "install iproute2"));

        assertThatThrownBy(() -> limiter.apply(99, new NetworkLimit(0, 0, 1_000_000, 0)))
                .hasMessage("tc not found");
        assertThat(commands.ran).isEmpty();
    }
}
