package io.orbit.engine.netlimit;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Runs a host command; the seam tests replace. */
@FunctionalInterface
public interface CommandRunner {

    /** What a command printed (stdout and stderr merged) and its exit code. */
    record Result(int exitCode, String output) {

        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * @throws IOException when the program cannot be started (missing) or does not end within {@code timeout}
     */
    Result run(List<String> command, Duration timeout) throws IOException, InterruptedException;
}
