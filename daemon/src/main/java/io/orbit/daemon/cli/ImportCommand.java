package io.orbit.daemon.cli;

import io.orbit.engine.spec.SpecProblem;
import io.orbit.interop.InteropException;
import io.orbit.interop.Warning;
import io.orbit.interop.compose.ComposeImporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orbit import compose FILE [--out DIR]}. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = "Turns another tool's files into Orbit service files.",
        subcommands = {ImportCommand.Compose.class})
final class ImportCommand extends CommandGroup {

    @Command(
            name = "compose",
            mixinStandardHelpOptions = true,
            description = {
                "Writes one Orbit service file per service of a Compose file (variables from the environment and the",
                ".env beside it), checked by the same validator as `orbit validate`. Every field Orbit cannot carry",
                "over is a warning on stderr and a comment in the file. Exits 1 when the result would not validate",
                "(nothing is written then), 2 on bad input."
            })
    static final class Compose implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "FILE", description = "The Compose file (compose.yaml).")
        Path file;

        @Option(
                names = "--out",
                paramLabel = "DIR",
                description = "Where the service files go (created if missing). Default: the daemon's -c (configs).")
        @Nullable
        Path out;

        @Option(names = "--force", description = "Overwrite service files that exist already.")
        boolean force;

        @CommandLine.ParentCommand
        ImportCommand parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            LogLevels.apply("warning");
            PrintWriter err = spec.commandLine().getErr();
            PrintWriter out = spec.commandLine().getOut();
            Path directory = this.out != null ? this.out : parent.parent.configDirectory;
            ComposeImporter.Result result;
            try {
                result = new ComposeImporter(System.getenv()).importFile(file);
            } catch (InteropException e) {
                err.println("orbit import compose: " + e.getMessage());
                return 2;
            }
            for (Warning warning : result.warnings()) {
                err.println(warning);
            }
            for (SpecProblem problem : result.problems()) {
                err.println(problem);
            }
            if (!result.valid()) {
                err.println("orbit import compose: the imported files would not validate (above); nothing written");
                return 1;
            }
            try {
                Files.createDirectories(directory);
                for (ComposeImporter.ImportedService service : result.services()) {
                    Path target = directory.resolve(service.fileName());
                    if (Files.exists(target) && !force) {
                        err.println("orbit import compose: " + target + " exists; pass --force to overwrite it or"
                                + " --out another directory");
                        return 2;
                    }
                }
                for (ComposeImporter.ImportedService service : result.services()) {
                    Path target = directory.resolve(service.fileName());
                    Files.writeString(target, service.yaml(), StandardCharsets.UTF_8);
                    out.println("wrote " + target + " (" + service.warnings().size() + " warning(s))");
                }
            } catch (IOException e) {
                err.println("orbit import compose: cannot write to " + directory + ": " + e.getMessage());
                return 2;
            }
            out.printf(
                    "%d service(s) imported, %d warning(s); check them with: orbit validate %s%n",
                    result.services().size(), result.warnings().size(), directory);
            out.flush();
            return 0;
        }
    }
}
