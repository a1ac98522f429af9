package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.daemon.DaemonOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --allow-host-access}, {@code --max-service-file-size} and {@code --state-dir}: defaults, orbit.yaml keys,
 * and {@code orbit validate} judging host access as the daemon does.
 */
class ServiceFileOptionsTest {

    @TempDir
    Path work;

    private static final String PRIVILEGED = """
            name: root
            instance_count: {min: 1, max: 1}
            spec:
              containers:
                - name: main
                  image: nginx
                  privileged: true
            """;

    private Path configFile(String content) throws Exception {
        return Files.writeString(work.resolve("orbit.yaml"), content);
    }

    private static DaemonOptions parse(Path configFile, String... args) {
        CommandLine commandLine = new CommandLine(new OrbitCommand());
        commandLine.setDefaultValueProvider(DaemonConfigFile.load(Optional.of(configFile), Map.of()));
        commandLine.parseArgs(args);
        return ((OrbitCommand) commandLine.getCommand()).options();
    }

    @Test
    void hostAccessIsDeniedAndFilesAreLimitedToOneMebibyteByDefault() throws Exception {
        DaemonOptions.Hardening hardening = parse(configFile("")).hardening();

        assertThat(hardening.allowHostAccess()).isFalse();
        assertThat(hardening.maxServiceFileBytes()).isEqualTo(1024 * 1024);
        assertThat(parse(configFile("")).hostAccess().allowed()).isFalse();
    }

    @Test
    void theFlagsAndTheirOrbitYamlKeysSetThem() throws Exception {
        Path flags = configFile("");
        DaemonOptions fromFlags =
                parse(flags, "--allow-host-access", "--max-service-file-size", "512K", "--state-dir", "/srv/state");
        assertThat(fromFlags.hardening())
                .isEqualTo(new DaemonOptions.Hardening(true, 512 * 1024, Path.of("/srv/state"), false));
        assertThat(fromFlags.hostAccess().allowed()).isTrue();

        DaemonOptions fromFile = parse(
                configFile("allow_host_access: true\nmax_service_file_size: 2Mi\nstate_dir: /var/lib/orbit-test\n"));
        assertThat(fromFile.hardening())
                .isEqualTo(new DaemonOptions.Hardening(true, 2 * 1024 * 1024, Path.of("/var/lib/orbit-test"), false));
        assertThat(parse(configFile("max_service_file_size: 4096\n"))
                        .hardening()
                        .maxServiceFileBytes())
                .isEqualTo(4096);
    }

    @Test
    void aBadSizeIsRefusedWithTheFix() throws Exception {
        Path config = configFile("");
        assertThatThrownBy(() -> parse(config, "--max-service-file-size", "lots"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("'lots' is not a size; write bytes or e.g. 512K, 1Mi, 2M");
        assertThatThrownBy(() -> parse(config, "--max-service-file-size", "0"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("at least 1 byte");
    }

    @Test
    void theDefaultStateDirectoryIsVarLibAsRootElseXdgStateHomeElseHome() {
        assertThat(DaemonOptions.Hardening.defaultStateDirectory(true, Map.of("XDG_STATE_HOME", "/x"), "/root"))
                .isEqualTo(Path.of("/var/lib/orbit"));
        assertThat(DaemonOptions.Hardening.defaultStateDirectory(false, Map.of("XDG_STATE_HOME", "/x"), "/home/a"))
                .isEqualTo(Path.of("/x/orbit"));
        assertThat(DaemonOptions.Hardening.defaultStateDirectory(false, Map.of(), "/home/a"))
                .isEqualTo(Path.of("/home/a/.local/state/orbit"));
    }

    @Test
    void theDaemonsOwnDirectoriesAreProtectedFromVolumes() throws Exception {
        DaemonOptions options =
                parse(configFile(""), "-c", "/etc/orbit/services", "--state-dir", "/srv/state", "--volume-dir", "/v");

        assertThat(options.hostAccess().protectedPaths())
                .contains(Path.of("/etc/orbit/services"), Path.of("/srv/state"), Path.of("/v"));
    }

    record Run(int exitCode, String out, String err) {}

    private Run validate(String... extra) throws Exception {
        Path services = Files.createDirectories(work.resolve("services"));
        Files.writeString(services.resolve("root.yml"), PRIVILEGED);
        Path config = configFile("");
        String[] arguments = new String[3 + 2 + extra.length];
        arguments[0] = "validate";
        arguments[1] = services.toString();
        arguments[2] = "--config-file";
        arguments[3] = config.toString();
        arguments[4] = "--state-dir=" + work.resolve("state");
        System.arraycopy(extra, 0, arguments, 5, extra.length);
        CommandLine cli = OrbitCommand.commandLine(arguments);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(arguments), out.toString(), err.toString());
    }

    @Test
    void validateReportsHostAccessAsAnErrorWithTheFix() throws Exception {
        Run run = validate();

        assertThat(run.out())
                .isEqualTo("root.yml: spec.containers[0].privileged: host access: a privileged container gets every"
                        + " device and capability of the host; remove it, or start the daemon with"
                        + " --allow-host-access\n0 service(s) valid, 1 error(s), 0 warning(s)\n");
        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void validateWithAllowHostAccessReportsAWarningAndPasses() throws Exception {
        Run run = validate("--allow-host-access");

        assertThat(run.out())
                .isEqualTo("warning: root.yml: spec.containers[0].privileged: host access allowed by"
                        + " --allow-host-access: a privileged container gets every device and capability of the"
                        + " host\n1 service(s) valid, 0 error(s), 1 warning(s)\n");
        assertThat(run.exitCode()).isZero();
    }
}
