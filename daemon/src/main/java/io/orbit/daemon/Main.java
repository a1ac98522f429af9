package io.orbit.daemon;

import io.orbit.daemon.cli.OrbitCommand;
import picocli.CommandLine;

/** The {@code orbit} launcher: the daemon (no sub-command, as Orbit) and the CLI sub-commands. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        int exitCode = OrbitCommand.commandLine().execute(args);
        System.exit(exitCode);
    }

    /** For tests: runs a command line and returns its exit code without exiting. */
    public static int run(String... args) {
        return OrbitCommand.commandLine().execute(args);
    }

    static CommandLine commandLine() {
        return OrbitCommand.commandLine();
    }
}
