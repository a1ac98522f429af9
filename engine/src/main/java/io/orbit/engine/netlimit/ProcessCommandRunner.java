package io.orbit.engine.netlimit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands with {@link ProcessBuilder}, killing them after the timeout. Output goes to a temporary file, so a
 * command that prints a lot cannot block on a full pipe and one that hangs is still timed out.
 */
public final class ProcessCommandRunner implements CommandRunner {

    @Override
    public Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path output = Files.createTempFile("orbit-cmd-", ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
                }
                return new Result(
                        process.exitValue(), new String(Files.readAllBytes(output), StandardCharsets.UTF_8).strip());
            } finally {
                process.destroyForcibly();
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
