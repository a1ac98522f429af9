package io.orbit.daemon.cli;

/** A command that only groups others ({@code orbit export}, {@code orbit import}): alone it prints its usage. */
abstract class CommandGroup extends OrbitSubcommand {

    @Override
    public final Integer call() {
        spec.commandLine().usage(err());
        return 2;
    }
}
