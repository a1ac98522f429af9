package io.orbit.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An engine's own CLI run to its end within a deadline (output in files, so a chatty command cannot block). */
public record Command(int exitCode, String stdout, String stderr) {

    public static Command run(Duration timeout, List<String> argv) throws IOException, InterruptedException {
        Path out = Files.createTempFile("orbit-it-", ".out");
        Path err = Files.createTempFile("orbit-it-", ".err");
        try {
            Process process = new ProcessBuilder(argv)
                    .directory(Path.of(System.getProperty("java.io.tmpdir")).toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(argv + " did not finish within " + timeout);
            }
            return new Command(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs it and fails the test, with both outputs, unless it exits 0. */
    public static String ok(Duration timeout, List<String> argv) throws IOException, InterruptedException {
        Command command = run(timeout, argv);
        if (command.exitCode() != 0) {
            throw new AssertionError(
                    argv + " exited " + command.exitCode() + ":\n" + command.stdout() + "\n" + command.stderr());
        }
        return command.stdout();
    }
}
