package io.orbit.daemon;

import io.orbit.daemon.cli.OrbitCommand;

/** The {@code orbit} launcher: the daemon (no sub-command, as Orbit) and the CLI sub-commands. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code without exiting (tests call this). */
    public static int run(String... args) {
        try {
            return OrbitCommand.commandLine(args).execute(args);
        } catch (IllegalArgumentException badConfigFile) {
            System.err.println("orbit: " + badConfigFile.getMessage());
            return 2;
        }
    }
}
