package io.orbit.packaging;

import static io.orbit.packaging.Packages.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No test code ships: every jar of the gathered lib dir, of the .deb, of the .rpm and of the tarball is opened, and
 * none may hold a class of {@code runtime-testkit} (the in-memory fake, the contract suite, {@code EngineSockets}),
 * anything of a {@code testing} package, an Orbit class named like a test, nor be a test library or a test-jar.
 *
 * <p>The forbidden classes are read from the runtime-testkit jar on this test's own class path, so a class added to the
 * testkit is covered without editing this test.
 */
class ShipsNoTestCodeIT {

    /** Orbit's test doubles live in {@code io.orbit.runtime.testing} and {@code io.orbit.engine.testing}. */
    private static final Pattern TESTING_PACKAGE = Pattern.compile("^io/orbit/(.+/)?testing/.*");

    /** An Orbit class named like a test or a contract suite (inner classes included). */
    private static final Pattern TEST_CLASS =
            Pattern.compile("^io/orbit/.*/\\w+(Test|IT|Contract)(\\$[\\w$]*)?\\.class$");

    /** Test libraries and Maven test-jars. */
    private static final Pattern TEST_JAR = Pattern.compile(
            "^(runtime-testkit|junit|assertj|awaitility|hamcrest|opentest4j|apiguardian).*|.*-tests\\.jar$");

    private static Set<String> testkitClasses;

    @BeforeAll
    static void readTheTestkit() throws IOException, URISyntaxException {
        Path testkit = testkitJar();
        assertThat(testkit)
                .as("runtime-testkit on the test class path as a jar (run the tests with Maven)")
                .isRegularFile();
        testkitClasses = new TreeSet<>();
        try (JarFile jar = new JarFile(testkit.toFile())) {
            jar.stream()
                    .map(JarEntry::getName)
                    .filter(name -> name.endsWith(".class"))
                    .forEach(testkitClasses::add);
        }
        assertThat(testkitClasses)
                .as("classes of %s", testkit)
                .contains(
                        "io/orbit/runtime/testing/InMemoryContainerRuntime.class",
                        "io/orbit/runtime/ContainerRuntimeContract.class",
                        "io/orbit/runtime/EngineSockets.class");
    }

    @Test
    void the_gathered_lib_dir_holds_no_test_code() {
        assertNoTestCode("the gathered lib dir", Path.of(System.getProperty("orbit.lib")));
    }

    @Test
    void the_deb_holds_no_test_code(@TempDir Path root) {
        Packages.requireTool("dpkg-deb", "install dpkg");
        run("dpkg-deb", "-x", Packages.deb().toString(), root.toString()).ok();
        assertNoTestCode("the .deb", root.resolve(Packages.LIB.substring(1)));
    }

    @Test
    void the_rpm_holds_no_test_code(@TempDir Path root) throws IOException {
        Packages.requireTool("rpm2archive", "apt-get install rpm; scripts/setup-engines.sh does");
        Path archive = root.resolve("payload.tgz");
        run(
                        Duration.ofMinutes(2),
                        Map.of(),
                        List.of(
                                "sh",
                                "-c",
                                "rpm2archive - < \"$0\" > \"$1\"",
                                Packages.rpm().toString(),
                                archive.toString()))
                .ok();
        Path unpacked = Files.createDirectory(root.resolve("unpacked"));
        run("tar", "-xzf", archive.toString(), "-C", unpacked.toString()).ok();
        assertNoTestCode("the .rpm", unpacked.resolve(Packages.LIB.substring(1)));
    }

    @Test
    void the_tarball_holds_no_test_code(@TempDir Path root) {
        run("tar", "-xzf", Packages.tarball().toString(), "-C", root.toString()).ok();
        assertNoTestCode(
                "the tarball",
                root.resolve("orbit-" + Packages.projectVersion()).resolve("lib"));
    }

    @Test
    void the_scan_finds_testkit_classes_in_a_jar_of_any_name(@TempDir Path lib) throws Exception {
        Path testkit = testkitJar();
        Files.copy(testkit, lib.resolve("orbit-extras.jar"));
        Files.copy(testkit, lib.resolve("runtime-testkit-" + Packages.projectVersion() + ".jar"));

        Scan scan = scan(lib);

        assertThat(scan.violations())
                .contains(
                        "orbit-extras.jar!io/orbit/runtime/testing/InMemoryContainerRuntime.class (a runtime-testkit class)",
                        "orbit-extras.jar!io/orbit/runtime/ContainerRuntimeContract.class (a runtime-testkit class)",
                        "runtime-testkit-" + Packages.projectVersion() + ".jar (a test library or test-jar)");
        assertThat(TESTING_PACKAGE
                        .matcher("io/orbit/engine/testing/ManualClock.class")
                        .matches())
                .isTrue();
        assertThat(TEST_CLASS
                        .matcher("io/orbit/engine/reconcile/ReconcilerTest$Fixture.class")
                        .matches())
                .isTrue();
        assertThat(TEST_CLASS
                        .matcher("io/orbit/daemon/runtime/EngineSockets.class")
                        .matches())
                .isFalse();
    }

    /** Opens every jar in {@code lib}; also proves the scan sees the shipped code, so an empty result means something. */
    private static void assertNoTestCode(String where, Path lib) {
        Scan scan = scan(lib);
        assertThat(scan.jars())
                .as("jars of %s (%s)", where, lib)
                .contains("runtime-api-" + Packages.projectVersion() + ".jar");
        assertThat(scan.entries())
                .as("the scan of %s reads the shipped classes (the port, the engine, the daemon)", where)
                .contains(
                        "io/orbit/runtime/ContainerRuntime.class",
                        "io/orbit/engine/routing/RouteTable.class",
                        "io/orbit/engine/routing/RoutePublisher.class",
                        "io/orbit/daemon/runtime/EngineSockets.class");
        assertThat(scan.violations())
                .as(
                        "test code in %s: move it to runtime-testkit or src/test, depend on it with <scope>test</scope>",
                        where)
                .isEmpty();
    }

    private record Scan(List<String> jars, Set<String> entries, List<String> violations) {}

    private static Scan scan(Path lib) {
        List<String> jars = jars(lib);
        List<String> violations = new ArrayList<>();
        Set<String> entries = new TreeSet<>();
        for (String name : jars) {
            if (TEST_JAR.matcher(name).matches()) {
                violations.add(name + " (a test library or test-jar)");
            }
            try (JarFile jar = new JarFile(lib.resolve(name).toFile())) {
                jar.stream().map(JarEntry::getName).forEach(entry -> {
                    entries.add(entry);
                    if (testkitClasses.contains(entry)) {
                        violations.add(name + "!" + entry + " (a runtime-testkit class)");
                    } else if (TESTING_PACKAGE.matcher(entry).matches()) {
                        violations.add(name + "!" + entry + " (a testing package)");
                    } else if (TEST_CLASS.matcher(entry).matches()) {
                        violations.add(name + "!" + entry + " (named like a test)");
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open " + lib.resolve(name), e);
            }
        }
        return new Scan(jars, entries, violations);
    }

    private static Path testkitJar() throws URISyntaxException {
        return Path.of(InMemoryContainerRuntime.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }

    private static List<String> jars(Path lib) {
        assertThat(lib).as("the lib dir").isDirectory();
        try (Stream<Path> files = Files.list(lib)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".jar"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + lib, e);
        }
    }
}
