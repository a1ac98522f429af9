package io.orbit.daemon.cli;

import static java.util.Objects.requireNonNull;

/** Why a CLI command could not do its job, and what to do about it; printed by the command, exit code 1. */
final class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String fix;

    CommandFailure(String message, String fix) {
        super(requireNonNull(message, "message is null"));
        this.fix = requireNonNull(fix, "fix is null");
    }

    String fix() {
        return fix;
    }

    /** The two lines a command prints on stderr: {@code orbit CMD: message} and the fix. */
    String describe(String command) {
        return "orbit %s: %s%n  fix: %s".formatted(command, getMessage(), fix);
    }
}
