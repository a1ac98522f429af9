package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.daemon.DaemonOptions;
import io.orbit.proxy.ProxyOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --proxy-max-connections-per-client}: its default (the proxy's), the config file key, the precedence of the
 * flag, and the refusal of a value below 1 naming the flag; the same limit on {@code orbit proxy}.
 */
class ProxyConnectionLimitOptionTest {

    @TempDir
    Path work;

    @Test
    void defaultsToTheProxysDefault() throws Exception {
        assertThat(parse(emptyConfigFile()).proxyMaxConnectionsPerClient())
                .isEqualTo(512)
                .isEqualTo(ProxyOptions.DEFAULT_MAX_CONNECTIONS_PER_CLIENT)
                .isEqualTo(ProxyOptions.defaults().maxConnectionsPerClient());
    }

    @Test
    void comesFromTheConfigFileUnlessTheFlagIsGiven() throws Exception {
        Path config = Files.writeString(work.resolve("orbit.yaml"), "proxy_max_connections_per_client: 2000\n");
        assertThat(parse(config).proxyMaxConnectionsPerClient()).isEqualTo(2000);
        assertThat(parse(config, "--proxy-max-connections-per-client", "64").proxyMaxConnectionsPerClient())
                .isEqualTo(64);
    }

    @Test
    void zeroAndNonNumbersAreRefusedNamingTheFlag() throws Exception {
        Path config = emptyConfigFile();
        assertThatThrownBy(() -> parse(config, "--proxy-max-connections-per-client", "0"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--proxy-max-connections-per-client")
                .hasMessageContaining("must be at least 1, got 0");
        assertThatThrownBy(() -> parse(config, "--proxy-max-connections-per-client=lots"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--proxy-max-connections-per-client")
                .hasMessageContaining("'lots' is not a whole number");
        Path zero = Files.writeString(work.resolve("zero.yaml"), "proxy_max_connections_per_client: 0\n");
        assertThatThrownBy(() -> parse(zero))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--proxy-max-connections-per-client");
    }

    @Test
    void isDocumentedInTheHelpWithItsDefault() throws Exception {
        String help = commandLine(emptyConfigFile()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(help).contains("--proxy-max-connections-per-client=N").contains("Default: 512.");
    }

    @Test
    void theStandaloneProxyTakesTheSameLimit() {
        ProxyCommand proxy = new ProxyCommand();
        new CommandLine(proxy).parseArgs("--listen", "127.0.0.1:1", "--backend", "127.0.0.1:2");
        assertThat(proxy.maxConnectionsPerClient).isEqualTo(512);
        new CommandLine(proxy)
                .parseArgs("--listen", "127.0.0.1:1", "--backend", "127.0.0.1:2", "--max-connections-per-client", "9");
        assertThat(proxy.maxConnectionsPerClient).isEqualTo(9);
    }

    private Path emptyConfigFile() throws Exception {
        return Files.writeString(work.resolve("empty.yaml"), "");
    }

    private static CommandLine commandLine(Path configFile) {
        return DrainTimeoutOptionTest.commandLine(configFile);
    }

    private static DaemonOptions parse(Path configFile, String... args) {
        return DrainTimeoutOptionTest.parse(configFile, args);
    }
}
