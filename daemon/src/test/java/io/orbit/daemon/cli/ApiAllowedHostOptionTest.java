package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.daemon.DaemonOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --api-allowed-host}: none by default, repeatable and comma-separated, from orbit.yaml, strictly parsed. */
class ApiAllowedHostOptionTest {

    @TempDir
    Path work;

    @Test
    void noneByDefault() throws Exception {
        assertThat(parse(emptyConfigFile()).apiAllowedHosts()).isEmpty();
    }

    @Test
    void repeatableAndCommaSeparatedNormalisedToLowerCase() throws Exception {
        assertThat(parse(
                                emptyConfigFile(),
                                "--api-allowed-host",
                                "Orbit.Example.com,10.0.0.5",
                                "--api-allowed-host=fd00::5")
                        .apiAllowedHosts())
                .containsExactly("orbit.example.com", "10.0.0.5", "[fd00::5]");
    }

    @Test
    void comesFromTheConfigFileAsAListOrAStringUnlessTheFlagIsGiven() throws Exception {
        Path list = Files.writeString(work.resolve("list.yaml"), "api_allowed_host: [orbit.example.com, 10.0.0.5]\n");
        Path string = Files.writeString(work.resolve("string.yaml"), "api_allowed_host: orbit.example.com\n");

        assertThat(parse(list).apiAllowedHosts()).containsExactly("orbit.example.com", "10.0.0.5");
        assertThat(parse(string).apiAllowedHosts()).containsExactly("orbit.example.com");
        assertThat(parse(list, "--api-allowed-host", "other.example").apiAllowedHosts())
                .containsExactly("other.example");
    }

    @Test
    void aUrlOrAPortIsRefusedWithTheFix() throws Exception {
        for (String bad : new String[] {"http://orbit.example.com", "orbit.example.com:4112", "*"}) {
            assertThatThrownBy(() -> parse(emptyConfigFile(), "--api-allowed-host", bad))
                    .as(bad)
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessageContaining(
                            "--api-allowed-host must be a host name or IP address without scheme, port or path");
        }
    }

    private Path emptyConfigFile() throws Exception {
        return Files.writeString(work.resolve("empty.yaml"), "");
    }

    private static DaemonOptions parse(Path configFile, String... args) {
        CommandLine commandLine = new CommandLine(new OrbitCommand());
        commandLine.setDefaultValueProvider(DaemonConfigFile.load(Optional.of(configFile), Map.of()));
        commandLine.parseArgs(args);
        return ((OrbitCommand) commandLine.getCommand()).options();
    }
}
