package io.orbit.daemon.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A command directly below {@code orbit}: picocli injects the root command, whose options (-c, -r, --api-address...)
 * every command shares, and this command's own model, which holds its output streams.
 */
abstract class OrbitSubcommand implements Callable<Integer> {

    @CommandLine.ParentCommand
    OrbitCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
