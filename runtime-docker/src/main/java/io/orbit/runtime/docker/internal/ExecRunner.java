package io.orbit.runtime.docker.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.RuntimeApiException;
import io.orbit.runtime.RuntimeUnavailableException;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.http.EngineResponse;
import io.orbit.runtime.http.MultiplexedOutput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Runs a command in a running container: create the exec, start it attached (the answer is the raw multiplexed
 * stdout/stderr stream, ending when the command does), then read its exit code.
 *
 * <p>The timeout bounds the wait for the answer and each silence within it (it is the socket read timeout). When it
 * fires the result is exit code 124, as coreutils' {@code timeout} reports; Docker has no call to kill an exec, so
 * the command itself may run on inside the container.
 */
public final class ExecRunner {

    public static final int TIMED_OUT = 124;
    /** Docker may close the stream a moment before it records the exit code. */
    private static final int EXIT_CODE_POLLS = 100;

    private static final Duration EXIT_CODE_POLL_INTERVAL = Duration.ofMillis(20);

    private final DockerApi api;

    public ExecRunner(DockerApi api) {
        this.api = api;
    }

    public ExecResult run(String containerId, List<String> command, Duration timeout) {
        Target container = new Target("exec in container", ResourceKind.CONTAINER, containerId);
        String path = "/containers/" + DockerApi.segment(containerId) + "/exec";
        String execId = DockerApi.decode(
                        container, api.send(container, "POST", path, new Create(true, true, command)), Created.class)
                .id();
        EngineResponse output;
        try {
            output = api.send(container, "POST", "/exec/" + execId + "/start", new Start(false, false), timeout);
        } catch (RuntimeUnavailableException e) {
            if (e.getCause() instanceof SocketTimeoutException) {
                return new ExecResult(TIMED_OUT, "", "timed out after %d ms".formatted(timeout.toMillis()));
            }
            throw e;
        }
        MultiplexedOutput streams = demultiplex(container, output);
        return new ExecResult(exitCode(execId), streams.stdout(), streams.stderr());
    }

    private int exitCode(String execId) {
        Target exec = new Target("inspect exec", ResourceKind.EXEC, execId);
        for (int poll = 0; poll < EXIT_CODE_POLLS; poll++) {
            Inspect inspect =
                    DockerApi.decode(exec, api.send(exec, "GET", "/exec/" + execId + "/json", null), Inspect.class);
            if (!inspect.running() && inspect.exitCode() != null) {
                return inspect.exitCode();
            }
            sleep(EXIT_CODE_POLL_INTERVAL);
        }
        throw new RuntimeApiException("read exit code of exec " + execId, 200, "still running after its output ended");
    }

    private static MultiplexedOutput demultiplex(Target target, EngineResponse output) {
        try {
            return MultiplexedOutput.read(new ByteArrayInputStream(output.body()));
        } catch (IOException e) {
            throw new RuntimeApiException(target.operation() + " " + target.name(), output.status(), e.toString());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while waiting for an exec's exit code");
        }
    }

    record Create(
            @JsonProperty("AttachStdout") boolean attachStdout,
            @JsonProperty("AttachStderr") boolean attachStderr,
            @JsonProperty("Cmd") List<String> cmd) {}

    record Start(
            @JsonProperty("Detach") boolean detach,
            @JsonProperty("Tty") boolean tty) {}

    record Created(@JsonProperty("Id") String id) {}

    record Inspect(
            @JsonProperty("Running") boolean running,
            @JsonProperty("ExitCode") @Nullable Integer exitCode) {}
}
