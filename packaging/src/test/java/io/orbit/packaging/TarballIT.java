package io.orbit.packaging;

import static io.orbit.packaging.Packages.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball: the same files as the packages under {@code orbit-VERSION/}, reproducible (every entry carries {@code
 * project.build.outputTimestamp} and root ownership, the gzip header no time), and its {@code bin/orbit} launcher —
 * which is also {@code /usr/bin/orbit} — choosing a Java and its flags, tried with fake Java installations.
 */
class TarballIT {

    static final String SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    @TempDir
    static Path unpacked;

    static Path home;

    @BeforeAll
    static void unpack() {
        run("tar", "-xzf", Packages.tarball().toString(), "-C", unpacked.toString())
                .ok();
        home = unpacked.resolve("orbit-" + Packages.projectVersion());
    }

    @Test
    void lists_the_packages_files_with_their_modes() {
        String top = "orbit-" + Packages.projectVersion() + "/";
        Map<String, String> files = new TreeMap<>();
        for (TarEntries.Entry entry : TarEntries.read(Packages.tarball())) {
            assertThat(entry.name()).startsWith(top);
            if (entry.isFile()) {
                files.put(entry.name().substring(top.length()), Integer.toOctalString(entry.mode()));
            }
        }
        Map<String, String> expected = new TreeMap<>(Map.of(
                "bin/orbit", "755",
                "etc/orbit.yaml", "644",
                "etc/services/README", "644",
                "systemd/system/orbit.service", "644",
                "systemd/user/orbit.service", "644"));
        Packages.jars().forEach(jar -> expected.put("lib/" + jar, "644"));
        assertThat(files).isEqualTo(expected);
    }

    @Test
    void is_reproducible_fixed_times_owners_and_order() throws IOException {
        long timestamp = Packages.outputTimestamp().getEpochSecond();
        List<TarEntries.Entry> entries = TarEntries.read(Packages.tarball());
        assertThat(entries).allSatisfy(entry -> {
            assertThat(entry.mtime()).as("mtime of %s", entry.name()).isEqualTo(timestamp);
            assertThat(entry.uid()).as("uid of %s", entry.name()).isZero();
            assertThat(entry.gid()).as("gid of %s", entry.name()).isZero();
            assertThat(entry.user()).as("user of %s", entry.name()).isIn("root", "");
            assertThat(entry.group()).as("group of %s", entry.name()).isIn("root", "");
        });
        assertThat(TarEntries.gzipHeaderMtime(Packages.tarball()))
                .as("gzip header MTIME")
                .isZero();
        // The order is fixed too: the jars in name order, not in the order the file system lists them.
        List<String> jars = entries.stream()
                .map(TarEntries.Entry::name)
                .filter(name -> name.contains("/lib/"))
                .toList();
        assertThat(jars).isSorted();
        // Same bytes as the sources: nothing rewritten on the way.
        for (String file :
                List.of("bin/orbit", "etc/orbit.yaml", "etc/services/README", "systemd/system/orbit.service")) {
            assertThat(home.resolve(file)).hasSameBinaryContentAs(Packages.distSource(file));
        }
        assertThat(Files.readString(home.resolve("systemd/user/orbit.service")))
                .isEqualTo(Files.readString(Packages.distSource("systemd/user/orbit.service")));
    }

    @Test
    void launcher_runs_the_daemon_with_the_java_it_finds() {
        // Under systemd there is no JAVA_HOME: the launcher looks in /usr/lib/jvm and on the PATH (here, this JVM's).
        Packages.Result version =
                launch(Map.of("PATH", pathWithThisJava()), "--version").ok();
        assertThat(version.out()).startsWith("orbit " + Packages.projectVersion());
    }

    /** The daemon's JVM options: C2, for the node_ports' data path. */
    private static final List<String> DATA_PLANE = List.of(
            "-XX:+UseSerialGC", "-Xss512k", "-Xms16m", "-Xmx256m", "-Xmn12m", "-XX:TrimNativeHeapInterval=5000");
    /** A CLI command's: the same with C1 only, which starts sooner. */
    private static final List<String> CLI =
            List.of("-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=1", "-Xms16m", "-Xmx256m");

    @Test
    void launcher_gives_the_data_plane_c2_and_the_cli_c1_wherever_the_command_word_stands(@TempDir Path jdks)
            throws IOException {
        Map<String, String> environment =
                Map.of("ORBIT_JAVA_HOME", fakeJava(jdks, "25.0.1").toString());
        assertThat(jvmOptions(launch(environment, "-c", "x"))).as("the daemon").isEqualTo(DATA_PLANE);
        assertThat(jvmOptions(launch(environment)))
                .as("the daemon, no argument")
                .isEqualTo(DATA_PLANE);
        assertThat(jvmOptions(launch(environment, "proxy", "--listen", "127.0.0.1:1")))
                .as("orbit proxy")
                .isEqualTo(DATA_PLANE);
        assertThat(jvmOptions(launch(environment, "validate", "x")))
                .as("validate")
                .isEqualTo(CLI);
        assertThat(jvmOptions(launch(environment, "-r", "podman", "plan")))
                .as("options before the command word (a documented form)")
                .isEqualTo(CLI);
        assertThat(jvmOptions(launch(environment, "--help"))).as("help").isEqualTo(CLI);
        assertThat(jvmOptions(launch(Map.of(
                        "ORBIT_JAVA_HOME",
                        fakeJava(jdks.resolve("21"), "21.0.5").toString()))))
                .as("the daemon on Java 21, which has no TrimNativeHeapInterval")
                .isEqualTo(DATA_PLANE.subList(0, DATA_PLANE.size() - 1));
    }

    /** The JVM options before the launcher's fixed ones ({@code -Xlog:disable} first). */
    private static List<String> jvmOptions(Packages.Result launched) {
        List<String> arguments = launched.ok().lines();
        return arguments.subList(0, arguments.indexOf("-Xlog:disable"));
    }

    @Test
    void launcher_passes_the_source_trees_jvm_flags_to_java_25(@TempDir Path jdks) throws IOException {
        Path jdk = fakeJava(jdks, "25.0.1");
        List<String> arguments = launch(Map.of("ORBIT_JAVA_HOME", jdk.toString()), "-c", "x")
                .ok()
                .lines();
        assertThat(arguments)
                .containsExactly(
                        "-XX:+UseSerialGC",
                        "-Xss512k",
                        "-Xms16m",
                        "-Xmx256m",
                        "-Xmn12m",
                        "-XX:TrimNativeHeapInterval=5000",
                        "-Xlog:disable",
                        "-Xlog:all=warning:stderr",
                        "--sun-misc-unsafe-memory-access=allow",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        home.resolve("lib") + "/*",
                        "io.orbit.daemon.Main",
                        "-c",
                        "x");
    }

    @Test
    void launcher_leaves_out_flags_java_21_does_not_know(@TempDir Path jdks) throws IOException {
        Path jdk = fakeJava(jdks, "21.0.5");
        List<String> arguments = launch(Map.of("ORBIT_JAVA_HOME", jdk.toString(), "ORBIT_JAVA_OPTS", "-Xmx64m"))
                .ok()
                .lines();
        assertThat(arguments)
                .containsExactly(
                        "-Xmx64m",
                        "-Xlog:disable",
                        "-Xlog:all=warning:stderr",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        home.resolve("lib") + "/*",
                        "io.orbit.daemon.Main");
    }

    @Test
    void launcher_records_the_aot_cache_in_a_daemon_run_and_uses_it_after(@TempDir Path jdks, @TempDir Path cache)
            throws IOException {
        Path jdk = fakeJava(jdks, "25.0.1");
        Map<String, String> environment = Map.of("ORBIT_JAVA_HOME", jdk.toString(), "ORBIT_AOT_DIR", cache.toString());
        Files.writeString(cache.resolve("orbit-0.aot"), "a cache of other jars");

        assertThat(launch(environment, "validate", "x").ok().lines())
                .as("the CLI never records a cache")
                .noneMatch(argument -> argument.startsWith("-XX:AOT"));
        assertThat(launch(environment, "-r", "podman", "plan").ok().lines())
                .as("nor does a CLI command after options (once read as a daemon run)")
                .noneMatch(argument -> argument.startsWith("-XX:AOT"));
        List<String> daemon = launch(environment, "-c", "x").ok().lines();
        assertThat(daemon)
                .as("a daemon run without a cache for these jars records one")
                .anyMatch(argument -> argument.matches("-XX:AOTCacheOutput=" + cache + "/orbit-[0-9]+\\.aot"));
        assertThat(cache.resolve("orbit-0.aot"))
                .as("the cache of other jars is gone")
                .doesNotExist();

        String recorded = daemon.stream()
                .filter(argument -> argument.startsWith("-XX:AOTCacheOutput="))
                .findFirst()
                .orElseThrow()
                .substring("-XX:AOTCacheOutput=".length());
        Files.writeString(Path.of(recorded), "the JVM wrote this at exit");
        assertThat(launch(environment, "validate", "x").ok().lines())
                .as("the CLI and the daemon use the recorded cache")
                .contains("-XX:AOTCache=" + recorded);
        assertThat(launch(
                                Map.of(
                                        "ORBIT_JAVA_HOME",
                                        fakeJava(jdks.resolve("old"), "21.0.5").toString(),
                                        "ORBIT_AOT_DIR",
                                        cache.toString()),
                                "-c",
                                "x")
                        .ok()
                        .lines())
                .as("Java 21 has no one-step AOT cache")
                .noneMatch(argument -> argument.startsWith("-XX:AOT"));
    }

    @Test
    void launcher_prefers_java_home_when_it_is_21_or_newer_and_skips_older(@TempDir Path jdks) throws IOException {
        Path jdk21 = fakeJava(jdks.resolve("a"), "21.0.5");
        assertThat(launch(Map.of("JAVA_HOME", jdk21.toString()), "--version")
                        .ok()
                        .lines())
                .as("the fake java echoes its arguments")
                .contains("io.orbit.daemon.Main", "--version");

        Path jdk17 = fakeJava(jdks.resolve("b"), "17.0.9");
        Packages.Result skipped =
                launch(Map.of("JAVA_HOME", jdk17.toString(), "PATH", pathWithThisJava()), "--version");
        assertThat(skipped.out())
                .as("Java 17 in JAVA_HOME is passed over for a Java 21+ in /usr/lib/jvm or on the PATH")
                .startsWith("orbit " + Packages.projectVersion());
    }

    @Test
    void launcher_explains_a_java_that_is_missing_or_too_old(@TempDir Path jdks) throws IOException {
        Packages.Result missing =
                launch(Map.of("ORBIT_JAVA_HOME", jdks.resolve("nothing").toString()), "--version");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("ORBIT_JAVA_HOME=", "has no bin/java");

        Path jdk17 = fakeJava(jdks, "17.0.9");
        Packages.Result old = launch(Map.of("ORBIT_JAVA_HOME", jdk17.toString()), "--version");
        assertThat(old.exit()).isEqualTo(1);
        assertThat(old.err()).contains("is Java 17; orbit needs Java 21 or newer");

        Packages.Result noJars = launch(
                Map.of(
                        "ORBIT_LIB",
                        jdks.toString(),
                        "ORBIT_JAVA_HOME",
                        fakeJava(jdks.resolve("c"), "21").toString()),
                "--version");
        assertThat(noJars.exit()).isEqualTo(1);
        assertThat(noJars.err()).contains("no jars in " + jdks);
    }

    @Test
    void launcher_follows_a_symlink_to_its_jars(@TempDir Path elsewhere) throws IOException {
        Path link = Files.createSymbolicLink(elsewhere.resolve("orbit"), home.resolve("bin/orbit"));
        try {
            Path jdk = fakeJava(elsewhere.resolve("jdk"), "25");
            List<String> arguments = Packages.run(
                            Duration.ofSeconds(30),
                            cleanEnvironment(Map.of("ORBIT_JAVA_HOME", jdk.toString())),
                            List.of(link.toString()))
                    .ok()
                    .lines();
            assertThat(arguments).contains(home.resolve("lib") + "/*");
        } finally {
            Files.delete(link); // @TempDir refuses to follow links out of itself, and says so
        }
    }

    /** Runs bin/orbit with the environment systemd would give it (PATH, LANG) plus {@code extra}. */
    private static Packages.Result launch(Map<String, String> extra, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/orbit").toString());
        command.addAll(List.of(arguments));
        return Packages.run(Duration.ofSeconds(60), cleanEnvironment(extra), command);
    }

    /** systemd's PATH with the Java running this test (21+, as the build requires) at the end. */
    private static String pathWithThisJava() {
        return SYSTEMD_PATH + ":" + Path.of(System.getProperty("java.home"), "bin");
    }

    private static Map<String, String> cleanEnvironment(Map<String, String> extra) {
        Map<String, String> environment = new HashMap<>();
        System.getenv().keySet().forEach(name -> environment.put(name, null));
        environment.put("PATH", SYSTEMD_PATH);
        environment.put("LANG", "C.UTF-8");
        environment.putAll(extra);
        return environment;
    }

    /** A Java installation whose {@code release} says {@code version} and whose bin/java prints its arguments. */
    private static Path fakeJava(Path directory, String version) throws IOException {
        Path bin = Files.createDirectories(directory.resolve("bin"));
        Files.writeString(directory.resolve("release"), "IMPLEMENTOR=\"fake\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java =
                Files.writeString(bin.resolve("java"), "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return directory;
    }
}
