package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code orbit validate}: every problem of every file, a summary line, exit 1 only on errors. */
class ValidateCommandTest {

    record Run(int exitCode, String out, String err) {}

    @TempDir
    Path work;

    @Test
    void aCleanDirectoryPrintsOnlyTheSummary() throws Exception {
        Run run = validate(PlanCommandTest.resource("validate/clean").toString());

        assertThat(run.out()).isEqualTo("2 service(s) valid, 0 error(s), 0 warning(s)\n");
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void everyErrorAndWarningIsPrintedWithItsFileAndAnErrorExitsOne() throws Exception {
        Run run = validate(PlanCommandTest.resource("validate/problems").toString());

        assertThat(run.out().lines().toList()).hasSize(3).satisfies(lines -> {
            assertThat(lines.get(0)).startsWith("bad.yml: instance_count");
            assertThat(lines.get(1)).startsWith("warning: warn.yml: colour");
            assertThat(lines.get(2)).isEqualTo("1 service(s) valid, 1 error(s), 1 warning(s)");
        });
        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void aMissingDirectoryExitsTwoAndSaysWhatToPass() throws Exception {
        Run run = validate(work.resolve("nope").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no such directory").contains("pass the directory of your service files");
    }

    private Run validate(String directory) throws Exception {
        Path config = Files.writeString(work.resolve("orbit.yaml"), "");
        String[] arguments = {"validate", directory, "--config-file", config.toString()};
        CommandLine cli = OrbitCommand.commandLine(arguments);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(arguments);
        return new Run(exitCode, out.toString(), err.toString());
    }
}
