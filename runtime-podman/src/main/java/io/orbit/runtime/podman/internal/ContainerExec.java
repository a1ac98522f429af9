package io.orbit.runtime.podman.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.RuntimeUnavailableException;
import io.orbit.runtime.http.EngineResponse;
import io.orbit.runtime.http.MultiplexedOutput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs a command in a container through libpod's exec sessions: create, start attached, inspect for the exit code. */
public final class ContainerExec {

    /** What coreutils' {@code timeout} exits with; probes treat it like any other failure. */
    static final int TIMED_OUT_EXIT_CODE = 124;

    /** The exit code can trail the end of the output stream by a moment; this bounds the wait for it. */
    private static final int EXIT_CODE_POLLS = 40;

    private static final Duration EXIT_CODE_POLL_INTERVAL = Duration.ofMillis(25);

    private final LibpodClient libpod;

    public ContainerExec(LibpodClient libpod) {
        this.libpod = requireNonNull(libpod, "libpod is null");
    }

    public ExecResult run(String containerId, List<String> command, Duration timeout) {
        JsonNode created = libpod.send(
                PodmanOperation.CREATE_EXEC,
                Subject.of(containerId),
                "POST",
                "/containers/" + LibpodClient.segment(containerId) + "/exec",
                Map.of("AttachStdout", true, "AttachStderr", true, "Cmd", command));
        String execId = created.path("Id").asText();
        MultiplexedOutput output;
        try {
            output = start(execId, timeout);
        } catch (RuntimeUnavailableException e) {
            if (e.getCause() instanceof SocketTimeoutException) {
                // The command may still run in the container; the caller only learns that it did not finish in time.
                return new ExecResult(TIMED_OUT_EXIT_CODE, "", "timed out after %d ms".formatted(timeout.toMillis()));
            }
            throw e;
        }
        return new ExecResult(exitCode(execId), output.stdout(), output.stderr());
    }

    /** Starts attached: the answer is the raw multiplexed stdout/stderr stream, ending when the command does. */
    private MultiplexedOutput start(String execId, Duration timeout) {
        EngineResponse response = libpod.exchange(
                PodmanOperation.START_EXEC,
                Subject.of(execId),
                "POST",
                "/exec/" + LibpodClient.segment(execId) + "/start",
                Map.of("Detach", false, "Tty", false),
                timeout);
        try {
            return MultiplexedOutput.read(new ByteArrayInputStream(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException("exec " + execId + " sent a truncated output stream", e);
        }
    }

    private int exitCode(String execId) {
        String path = "/exec/" + LibpodClient.segment(execId) + "/json";
        JsonNode session = libpod.send(PodmanOperation.INSPECT_EXEC, Subject.of(execId), "GET", path, null);
        for (int poll = 0; poll < EXIT_CODE_POLLS && session.path("Running").asBoolean(); poll++) {
            sleep(EXIT_CODE_POLL_INTERVAL);
            session = libpod.send(PodmanOperation.INSPECT_EXEC, Subject.of(execId), "GET", path, null);
        }
        return session.path("ExitCode").asInt();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an exec's exit code", e);
        }
    }
}
