package io.orbit.engine.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@link Error} in the config watcher's thread can never end hot reload silently: it reaches the fatal handler (in
 * the daemon: log and exit 70 for systemd to restart it). An exception is logged and the watcher keeps going.
 */
class ConfigDirectoryWatcherFatalTest {

    private static final Duration DEBOUNCE = Duration.ofMillis(20);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final long DEADLINE_SECONDS = 10;

    @TempDir
    Path directory;

    private void touch(String name, String content) throws IOException {
        Files.writeString(directory.resolve(name), content);
    }

    @Test
    void anOutOfMemoryErrorInAReloadGoesToTheFatalHandlerAndEndsTheWatcher() throws Exception {
        BlockingQueue<Throwable> fatal = new LinkedBlockingQueue<>();
        AtomicInteger reloads = new AtomicInteger();
        Runnable reload = () -> {
            reloads.incrementAndGet();
            throw new OutOfMemoryError("Java heap space (simulated)");
        };
        try (ConfigDirectoryWatcher watcher =
                new ConfigDirectoryWatcher(directory, reload, DEBOUNCE, POLL, fatal::add)) {
            watcher.start();
            touch("web.yml", "name: web\n");

            Throwable error = fatal.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);

            assertThat(error).isInstanceOf(OutOfMemoryError.class).hasMessageContaining("simulated");
            touch("api.yml", "name: api\n");
            assertThat(fatal.poll(4 * POLL.toMillis(), TimeUnit.MILLISECONDS))
                    .as("the handler is told once; the thread ended")
                    .isNull();
            assertThat(reloads).hasValue(1);
        }
    }

    /** Run in a child JVM: a watcher with the default handler whose reload runs out of memory. */
    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        ConfigDirectoryWatcher watcher = new ConfigDirectoryWatcher(
                directory,
                () -> {
                    throw new OutOfMemoryError("Java heap space (simulated)");
                },
                DEBOUNCE,
                POLL);
        watcher.start();
        Files.writeString(directory.resolve("web.yml"), "name: web\n");
        Thread.sleep(Duration.ofSeconds(DEADLINE_SECONDS));
        System.exit(0); // not reached when the handler exits first
    }

    @Test
    void byDefaultTheDaemonProcessExitsWithCode70ForSystemdToRestartIt() throws Exception {
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ConfigDirectoryWatcherFatalTest.class.getName(),
                        directory.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            assertThat(child.waitFor(DEADLINE_SECONDS + 5, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue())
                    .isEqualTo(ConfigDirectoryWatcher.FATAL_EXIT_CODE)
                    .isEqualTo(70);
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aStackOverflowErrorGoesToTheFatalHandlerToo() throws Exception {
        BlockingQueue<Throwable> fatal = new LinkedBlockingQueue<>();
        Runnable reload = () -> {
            throw new StackOverflowError();
        };
        try (ConfigDirectoryWatcher watcher =
                new ConfigDirectoryWatcher(directory, reload, DEBOUNCE, POLL, fatal::add)) {
            watcher.start();
            touch("web.yml", "name: web\n");

            assertThat(fatal.poll(DEADLINE_SECONDS, TimeUnit.SECONDS)).isInstanceOf(StackOverflowError.class);
        }
    }

    @Test
    void anExceptionInAReloadIsLoggedAndTheNextChangeIsReloadedAgain() throws Exception {
        BlockingQueue<Throwable> fatal = new LinkedBlockingQueue<>();
        BlockingQueue<Integer> reloads = new LinkedBlockingQueue<>();
        AtomicInteger count = new AtomicInteger();
        Runnable reload = () -> {
            int n = count.incrementAndGet();
            reloads.add(n);
            if (n == 1) {
                throw new IllegalStateException("a bad reload");
            }
        };
        try (ConfigDirectoryWatcher watcher =
                new ConfigDirectoryWatcher(directory, reload, DEBOUNCE, POLL, fatal::add)) {
            watcher.start();
            touch("web.yml", "name: web\n");
            assertThat(reloads.poll(DEADLINE_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);

            touch("api.yml", "name: api\n");

            assertThat(reloads.poll(DEADLINE_SECONDS, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(fatal).isEmpty();
        }
    }
}
