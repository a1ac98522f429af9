package io.orbit.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * What the build produced (Failsafe passes the paths as system properties), the layout every package must have, and
 * running the inspection tools ({@code dpkg-deb}, {@code rpm}, ...) with a timeout.
 */
final class Packages {

    static final String LAUNCHER = "/usr/bin/orbit";
    static final String CONFIG = "/etc/orbit/orbit.yaml";
    static final String SERVICES_DIR = "/etc/orbit/services";
    static final String SERVICES_README = SERVICES_DIR + "/README";
    static final String LIB = "/usr/lib/orbit/lib";
    static final String USER_UNIT = "/usr/lib/systemd/user/orbit.service";
    /** Debian 12 still keeps units in /lib/systemd/system; RPM distributions use %{_unitdir}. */
    static final String DEB_SYSTEM_UNIT = "/lib/systemd/system/orbit.service";

    static final String RPM_SYSTEM_UNIT = "/usr/lib/systemd/system/orbit.service";

    static final String EXECUTABLE = "-rwxr-xr-x";
    static final String REGULAR = "-rw-r--r--";
    static final String DIRECTORY = "drwxr-xr-x";

    private Packages() {}

    static Path deb() {
        return artifact("orbit.deb");
    }

    static Path rpm() {
        return artifact("orbit.rpm");
    }

    static Path tarball() {
        return artifact("orbit.tarball");
    }

    /** The .deb/.rpm version: the project version with '-' turned into '~' (0.1.0~SNAPSHOT). */
    static String packageVersion() {
        return property("orbit.package.version");
    }

    static String projectVersion() {
        return property("orbit.project.version");
    }

    static Instant outputTimestamp() {
        return OffsetDateTime.parse(property("orbit.output.timestamp")).toInstant();
    }

    /** The jars the build gathered for the packages: the daemon and its runtime dependencies. */
    static SortedSet<String> jars() {
        try (Stream<Path> files = Files.list(Path.of(property("orbit.lib")))) {
            SortedSet<String> jars = new TreeSet<>(
                    files.map(file -> file.getFileName().toString()).toList());
            assertThat(jars)
                    .as("the gathered jars")
                    .allMatch(name -> name.endsWith(".jar"))
                    .anyMatch(name -> name.startsWith("daemon-"))
                    .hasSizeGreaterThan(10);
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every regular file a package installs, with its mode; {@code systemUnit} is where the system unit goes. */
    static Map<String, String> expectedFiles(String systemUnit) {
        Map<String, String> files = new TreeMap<>(Map.of(
                LAUNCHER, EXECUTABLE,
                CONFIG, REGULAR,
                SERVICES_README, REGULAR,
                systemUnit, REGULAR,
                USER_UNIT, REGULAR));
        jars().forEach(jar -> files.put(LIB + "/" + jar, REGULAR));
        return files;
    }

    /** The unpacked sources of the packaged files (bin/orbit, etc/..., systemd/...). */
    static Path distSource(String relative) {
        return Path.of(property("orbit.dist")).resolve(relative);
    }

    private static Path artifact(String property) {
        Path path = Path.of(property(property));
        assertThat(path).as("built by 'mvn package' (" + property + ")").isRegularFile();
        return path;
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    "system property " + name + " is not set: run the tests with Maven (./mvnw verify -pl packaging)");
        }
        return value;
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    static boolean isRoot() {
        try {
            return run(Duration.ofSeconds(10), "id", "-u").out().strip().equals("0");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Skips (with the reason) when a tool is missing, but fails under {@code CI=true}: CI must not hide it. */
    static void requireTool(String tool, String howToInstall) {
        if (onPath(tool)) {
            return;
        }
        String reason = "'%s' is not on the PATH (%s)".formatted(tool, howToInstall);
        if (inCi()) {
            throw new AssertionError("CI=true and " + reason);
        }
        Assumptions.abort(reason);
    }

    static boolean onPath(String tool) {
        return Arrays.stream(
                        System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                .map(directory -> Path.of(directory, tool))
                .anyMatch(Files::isExecutable);
    }

    record Result(List<String> command, int exit, String out, String err) {

        /** Asserts exit status 0 and returns this. */
        Result ok() {
            assertThat(exit)
                    .as("exit status of %s; stderr:%n%s%nstdout:%n%s", command, err, out)
                    .isZero();
            return this;
        }

        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Result run(String... command) {
        return run(Duration.ofMinutes(2), command);
    }

    static Result run(Duration timeout, String... command) {
        return run(timeout, Map.of(), List.of(command));
    }

    /** Runs a command with extra environment variables (a null value removes one); output goes through files. */
    static Result run(Duration timeout, Map<String, String> environment, List<String> command) {
        try {
            Path out = Files.createTempFile("orbit-packaging-", ".out");
            Path err = Files.createTempFile("orbit-packaging-", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                environment.forEach((name, value) -> {
                    if (value == null) {
                        builder.environment().remove(name);
                    } else {
                        builder.environment().put(name, value);
                    }
                });
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(command + " did not finish within " + timeout);
                }
                return new Result(
                        command,
                        process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }
}
