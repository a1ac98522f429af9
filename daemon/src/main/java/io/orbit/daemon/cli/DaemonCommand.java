package io.orbit.daemon.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * A command that talks to the running daemon ({@link ControlClient}): a refusal or an unreachable daemon is printed
 * with its fix on stderr, exit code 1.
 */
abstract class DaemonCommand extends OrbitSubcommand {

    /** Whether the option was typed, before or after the command's name (not a default, not orbit.yaml's). */
    private boolean onCommandLine(String option) {
        for (CommandLine.Model.CommandSpec command = spec; command != null; command = command.parent()) {
            CommandLine.ParseResult parsed = command.commandLine().getParseResult();
            if (parsed != null && parsed.hasMatchedOption(option)) {
                return true;
            }
        }
        return false;
    }

    /** Does the command's work; returns the exit code. */
    abstract int run(ControlClient daemon, PrintWriter out);

    @Override
    public final Integer call() {
        LogLevels.apply("warning");
        PrintWriter out = spec.commandLine().getOut();
        try (ControlClient daemon = ControlClient.of(parent, onCommandLine("--api-address"))) {
            int exitCode = run(daemon, out);
            out.flush();
            return exitCode;
        } catch (CommandFailure failure) {
            out.flush();
            spec.commandLine().getErr().println(failure.describe(spec.name()));
            spec.commandLine().getErr().flush();
            return 1;
        }
    }
}
