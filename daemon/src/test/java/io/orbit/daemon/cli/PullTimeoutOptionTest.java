package io.orbit.daemon.cli;

import static io.orbit.daemon.cli.DrainTimeoutOptionTest.commandLine;
import static io.orbit.daemon.cli.DrainTimeoutOptionTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.daemon.DaemonOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --pull-timeout} / {@code pull_timeout}: five minutes by default, humantime, above zero, flag over file. */
class PullTimeoutOptionTest {

    @TempDir
    Path work;

    @Test
    void defaultsToFiveMinutes() throws Exception {
        assertThat(parse(emptyConfigFile()).pullTimeout())
                .isEqualTo(Duration.ofMinutes(5))
                .isEqualTo(DaemonOptions.DEFAULT_PULL_TIMEOUT);
    }

    @Test
    void comesFromTheConfigFileUnlessTheFlagIsGiven() throws Exception {
        Path config = Files.writeString(work.resolve("orbit.yaml"), "pull_timeout: 90s\n");
        assertThat(parse(config).pullTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(parse(config, "--pull-timeout", "2m").pullTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void zeroAndBareNumbersAreRefusedWithTheFix() throws Exception {
        Path config = emptyConfigFile();
        assertThatThrownBy(() -> parse(config, "--pull-timeout", "0s"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--pull-timeout")
                .hasMessageContaining("not above zero: give a duration such as 30s or 5m");
        assertThatThrownBy(() -> parse(config, "--pull-timeout", "300"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("time unit needed");
    }

    @Test
    void isDocumentedInTheHelpWithItsDefault() throws Exception {
        String help = commandLine(emptyConfigFile()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(help).contains("--pull-timeout=DURATION").contains("Default: 5m.");
    }

    private Path emptyConfigFile() throws Exception {
        return Files.writeString(work.resolve("empty.yaml"), "");
    }
}
