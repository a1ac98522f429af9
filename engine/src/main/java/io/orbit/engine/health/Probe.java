package io.orbit.engine.health;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.spec.StatusRange;
import java.time.Duration;
import java.util.List;

/** One check of one container, as the host runs it. */
public sealed interface Probe {

    Duration timeout();

    /** A short description for messages, e.g. {@code tcp :80} or {@code http :8080/health}. */
    String describe();

    /** Connects to the port. */
    record Tcp(int port, Duration timeout) implements Probe {
        public Tcp {
            requireNonNull(timeout, "timeout is null");
        }

        @Override
        public String describe() {
            return "tcp :" + port;
        }
    }

    /** GETs the path and expects a status in {@code expected}. */
    record Http(int port, String path, StatusRange expected, Duration timeout) implements Probe {
        public Http {
            requireNonNull(path, "path is null");
            requireNonNull(expected, "expected is null");
            requireNonNull(timeout, "timeout is null");
        }

        @Override
        public String describe() {
            return "http :" + port + path;
        }
    }

    /** Runs a command in the container through the engine; exit code 0 passes. */
    record Exec(List<String> command, Duration timeout) implements Probe {
        public Exec {
            command = List.copyOf(command);
            requireNonNull(timeout, "timeout is null");
        }

        @Override
        public String describe() {
            return "exec " + String.join(" ", command);
        }
    }
}
