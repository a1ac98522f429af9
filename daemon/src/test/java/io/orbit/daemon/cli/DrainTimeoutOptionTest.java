package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.daemon.DaemonOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --drain-timeout}: its default, humantime parsing, the config file key and the precedence of the flag. */
class DrainTimeoutOptionTest {

    @TempDir
    Path work;

    @Test
    void defaultsToTenSeconds() throws Exception {
        assertThat(parse(emptyConfigFile()).drainTimeout())
                .isEqualTo(Duration.ofSeconds(10))
                .isEqualTo(DaemonOptions.DEFAULT_DRAIN_TIMEOUT);
    }

    @Test
    void parsesHumantimeDurations() throws Exception {
        Path config = emptyConfigFile();
        assertThat(parse(config, "--drain-timeout", "1m 30s").drainTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(parse(config, "--drain-timeout=500ms").drainTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(parse(config, "--drain-timeout", "0s").drainTimeout()).isZero();
    }

    @Test
    void comesFromTheConfigFileUnlessTheFlagIsGiven() throws Exception {
        Path config = Files.writeString(work.resolve("orbit.yaml"), "drain_timeout: 30s\n");
        assertThat(parse(config).drainTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(parse(config, "--drain-timeout", "2s").drainTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aBareNumberIsRefusedWithTheFix() throws Exception {
        Path config = emptyConfigFile();
        assertThatThrownBy(() -> parse(config, "--drain-timeout", "30"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--drain-timeout")
                .hasMessageContaining("time unit needed, for example 30s or 30ms");
    }

    @Test
    void isDocumentedInTheHelpWithItsDefault() throws Exception {
        String help = commandLine(emptyConfigFile()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(help).contains("--drain-timeout=DURATION").contains("Default: 10s.");
    }

    private Path emptyConfigFile() throws Exception {
        return Files.writeString(work.resolve("empty.yaml"), "");
    }

    /** The daemon's command line with {@code configFile} as its orbit.yaml; shared by the other option tests. */
    static CommandLine commandLine(Path configFile) {
        CommandLine commandLine = new CommandLine(new OrbitCommand());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setDefaultValueProvider(DaemonConfigFile.load(Optional.of(configFile), Map.of()));
        return commandLine;
    }

    static DaemonOptions parse(Path configFile, String... args) {
        CommandLine commandLine = commandLine(configFile);
        commandLine.parseArgs(args);
        return ((OrbitCommand) commandLine.getCommand()).options();
    }
}
