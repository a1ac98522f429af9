package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's compiler directives, added to this test's own JVM and read back as {@code jcmd} would print them. */
class DataPlaneCompilationTest {

    @AfterEach
    void clearDirectives() throws Exception {
        DataPlaneCompilation.diagnosticCommand("compilerDirectivesClear", new String[0]);
        System.clearProperty(DataPlaneCompilation.SWITCH);
    }

    private static String directives() throws Exception {
        return DataPlaneCompilation.diagnosticCommand("compilerDirectivesPrint", new String[0]);
    }

    @Test
    void keepsC2ForTheDataPlaneAndExcludesItElsewhere() throws Exception {
        assertThat(directives()).doesNotContain("io/orbit/proxy/");

        assertThat(DataPlaneCompilation.apply()).isEmpty();

        String added = directives();
        assertThat(added)
                .as("the JVM's directive stack")
                .contains("io/orbit/proxy/*.*", "org/eclipse/jetty/*.*", "java/*.*", "*.*");
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(files.filter(file -> file.getFileName().toString().startsWith("orbit-compiler-directives")))
                    .as("the temporary copy is gone")
                    .isEmpty();
        }
    }

    @Test
    void aFileTheJvmRefusesIsReportedAndAddsNothing(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.json"), "[ { match: \"io/orbit/*.*\", c2: { Exclude: ");
        String before = directives();

        assertThat(DataPlaneCompilation.add(broken))
                .hasValueSatisfying(reason -> assertThat(reason).isNotBlank());
        assertThat(directives()).isEqualTo(before);
    }

    @Test
    void switchedOffItAddsNothing() throws Exception {
        System.setProperty(DataPlaneCompilation.SWITCH, "off");
        String before = directives();

        assertThat(DataPlaneCompilation.apply()).isEmpty();
        assertThat(directives()).isEqualTo(before);
    }
}
