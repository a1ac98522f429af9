package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

/** What a command run in a container returned. */
public record ExecResult(int exitCode, String stdout, String stderr) {

    public ExecResult {
        requireNonNull(stdout, "stdout is null");
        requireNonNull(stderr, "stderr is null");
    }

    public boolean succeeded() {
        return exitCode == 0;
    }
}
