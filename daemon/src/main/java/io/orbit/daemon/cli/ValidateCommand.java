package io.orbit.daemon.cli;

import io.orbit.daemon.DaemonOptions;
import io.orbit.engine.config.ConfigDirectory;
import io.orbit.engine.config.ReadPolicy;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.spec.SpecValidator;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code orbit validate [DIR]}: every problem of every file, exit 1 when any is an error. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Checks every service file in DIR (nested directories too) as the daemon would, all files together,",
            "and prints every problem with its file, field and fix. Exits 1 if there is any error, 0 otherwise.",
            "Host access (privileged, host system paths, engine sockets, the host's network) is an error unless",
            "--allow-host-access is given, as for the daemon; run as root, files other users can write are refused."
        })
final class ValidateCommand extends ServiceFilesCommand {

    @Override
    public Integer call() {
        LogLevels.apply("warning");
        parent.followRunningDaemon(spec, false, directory == null, err());
        Path dir = directory();
        PrintWriter out = out();
        if (!Files.isDirectory(dir)) {
            err().println("orbit validate: no such directory " + dir + " (pass the directory of your service files)");
            return 2;
        }
        DaemonOptions options = parent.options();
        SpecValidator.Result result;
        try {
            result = SpecValidator.validate(
                    new ConfigDirectory(
                                    dir,
                                    ReadPolicy.forThisProcess(
                                            options.hardening().maxServiceFileBytes()))
                            .loadAll(),
                    options.apiAddress().getPort(),
                    options.hostAccess());
        } catch (UncheckedIOException refused) {
            err().println("orbit validate: " + refused.getMessage());
            return 2;
        }
        for (SpecProblem problem : result.problems()) {
            out.println(problem);
        }
        long errors = result.problems().stream().filter(SpecProblem::isError).count();
        long warnings = result.problems().size() - errors;
        out.printf(
                "%d service(s) valid, %d error(s), %d warning(s)%n",
                result.services().size(), errors, warnings);
        out.flush();
        return errors > 0 ? 1 : 0;
    }
}
