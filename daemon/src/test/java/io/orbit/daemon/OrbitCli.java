package io.orbit.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code orbit} CLI as a real process ({@code java io.orbit.daemon.Main COMMAND …}) pointed at a {@link
 * DaemonProcess}: its control socket, its API address and its (empty) config file, given after the command as users
 * type them.
 */
final class OrbitCli {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What a finished command printed and returned. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit %d%n--- stdout%n%s--- stderr%n%s".formatted(exitCode, out, err);
        }
    }

    private final DaemonProcess daemon;
    private final Path configFile;
    private final Path outputDirectory;
    private final List<String> daemonArguments;

    /**
     * @param configFile the daemon's config file, so the host's /etc/orbit/orbit.yaml changes nothing
     * @param outputDirectory where each run's stdout and stderr go
     */
    OrbitCli(DaemonProcess daemon, Path configFile, Path outputDirectory) {
        this(daemon, configFile, outputDirectory, List.of());
    }

    /**
     * @param daemonArguments what else the daemon was started with that the CLI cannot learn from it (its {@code
     *     --instance}, whose pods {@code orbit plan} looks at, and its {@code --state-dir}, whose hash key it digests
     *     secrets with), given after the command like the rest
     */
    OrbitCli(DaemonProcess daemon, Path configFile, Path outputDirectory, List<String> daemonArguments) {
        this.daemon = daemon;
        this.configFile = configFile;
        this.outputDirectory = outputDirectory;
        this.daemonArguments = List.copyOf(daemonArguments);
    }

    Result run(String... command) throws InterruptedException {
        Running running = start(command);
        if (!running.process().waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            running.process().destroyForcibly();
            throw new AssertionError("orbit " + String.join(" ", command) + " did not end within " + TIMEOUT);
        }
        return new Result(running.process().exitValue(), running.out(), running.err());
    }

    /** A command that keeps running ({@code --follow}); its output so far can be read at any time. */
    record Running(Process process, Path stdout, Path stderr) implements AutoCloseable {
        String out() {
            return read(stdout);
        }

        String err() {
            return read(stderr);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    Running start(String... command) {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        line.add("--enable-native-access=ALL-UNNAMED");
        line.add("-Xmx128m");
        line.add("-cp");
        line.add(DaemonProcess.daemonClassPath());
        line.add(Main.class.getName());
        line.addAll(List.of(command));
        line.addAll(List.of(
                "--config-file",
                configFile.toString(),
                "--control-socket",
                daemon.controlSocket().toString(),
                "--api-address",
                "127.0.0.1:" + daemon.apiPort()));
        line.addAll(daemonArguments);
        Path stdout;
        Path stderr;
        try {
            stdout = Files.createTempFile(outputDirectory, "cli-", ".out");
            stderr = Files.createTempFile(outputDirectory, "cli-", ".err");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder builder =
                new ProcessBuilder(line).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        List.of("ORBIT_CONFIG", "ORBIT_RUNTIME", "ORBIT_INSTANCE", "CONTAINER_HOST", "DOCKER_HOST", "LOG_LVL")
                .forEach(builder.environment()::remove);
        try {
            return new Running(builder.start(), stdout, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the CLI: " + line, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
