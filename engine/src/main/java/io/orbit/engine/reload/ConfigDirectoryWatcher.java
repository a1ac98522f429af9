package io.orbit.engine.reload;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@code onChange} whenever the service files under a directory change: their names, sizes or modification
 * times. Inotify events (through {@link WatchService}, every sub-directory registered) only wake the thread early and
 * are debounced; the decision is a comparison of fingerprints, rescanned every {@code pollInterval} as a safety net,
 * so a missed or coalesced event, a rename, an editor's write-then-rename save or a new nested directory all lead to
 * exactly one reload once the burst is over.
 *
 * <p>Orbit derived store keys from event paths and broke on {@code -c ./x} or symlinks (ORBIT-REFERENCE §2.7); here
 * paths are only compared with themselves.
 *
 * <p>A reload that throws an exception is logged and the watcher keeps going. An {@link Error} ({@code
 * OutOfMemoryError}, {@code StackOverflowError}...) leaves the daemon in an unknown state, and a watcher thread that
 * simply died would end hot reload without a word: it goes to the {@link FatalHandler}, by default {@link
 * #EXIT_PROCESS}, which logs it and ends the daemon with exit code {@value #FATAL_EXIT_CODE} so systemd restarts it
 * ({@code Restart=on-failure}).
 */
public final class ConfigDirectoryWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigDirectoryWatcher.class);

    /** The daemon's exit code after an {@link Error} in the watcher (EX_SOFTWARE). */
    public static final int FATAL_EXIT_CODE = 70;

    /** How long the shutdown hooks may take after a fatal error before the process is halted anyway. */
    static final Duration FATAL_EXIT_GRACE = Duration.ofSeconds(20);

    /** Told when the watcher's thread meets an {@link Error}; the thread ends after it returns. */
    @FunctionalInterface
    public interface FatalHandler {
        void fatal(Throwable error);
    }

    /**
     * Logs the error and exits with {@value #FATAL_EXIT_CODE}; the shutdown hooks run (the pods stay, to be adopted),
     * and if they hang for {@code FATAL_EXIT_GRACE} the process is halted.
     */
    public static final FatalHandler EXIT_PROCESS = error -> {
        try {
            log.atError()
                    .log(
                            "config watcher failed with " + error + "; hot reload cannot go on, so the daemon exits"
                                    + " with code " + FATAL_EXIT_CODE + " for its supervisor (systemd) to restart it",
                            error);
        } catch (Throwable logging) {
            System.err.println("orbit: config watcher failed: " + error + "; exiting with " + FATAL_EXIT_CODE);
        }
        try {
            Thread.ofPlatform().daemon().name("orbit-fatal-exit").start(() -> {
                try {
                    Thread.sleep(FATAL_EXIT_GRACE);
                } catch (InterruptedException ignored) {
                    // halting anyway
                }
                Runtime.getRuntime().halt(FATAL_EXIT_CODE);
            });
        } catch (Throwable noThread) {
            Runtime.getRuntime().halt(FATAL_EXIT_CODE);
        }
        System.exit(FATAL_EXIT_CODE);
    };

    private final Path directory;
    private final Runnable onChange;
    private final Duration debounce;
    private final Duration pollInterval;
    private final WatchService watchService;
    private final FatalHandler onFatal;
    private final Thread thread;
    private volatile boolean closed;
    private List<String> fingerprint;

    public ConfigDirectoryWatcher(Path directory, Runnable onChange, Duration debounce, Duration pollInterval) {
        this(directory, onChange, debounce, pollInterval, EXIT_PROCESS);
    }

    /** @param onFatal told about an {@link Error} in the watcher's thread (tests pass a recorder) */
    public ConfigDirectoryWatcher(
            Path directory, Runnable onChange, Duration debounce, Duration pollInterval, FatalHandler onFatal) {
        this.directory = directory.toAbsolutePath().normalize();
        this.onChange = onChange;
        this.onFatal = onFatal;
        this.debounce = debounce;
        this.pollInterval = pollInterval;
        try {
            this.watchService = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + directory, e);
        }
        this.fingerprint = fingerprint(this.directory);
        // Errors are caught in run(); the handler also covers anything thrown outside its try.
        this.thread = Thread.ofPlatform()
                .daemon()
                .name("orbit-config-watcher")
                .uncaughtExceptionHandler((thread, error) -> onFatal.fatal(error))
                .unstarted(this::run);
    }

    public void start() {
        registerTree();
        thread.start();
    }

    private void run() {
        while (!closed) {
            try {
                WatchKey key = watchService.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    drain(key);
                    quietFor(debounce);
                    registerTree();
                }
                List<String> current = fingerprint(directory);
                if (!current.equals(fingerprint)) {
                    fingerprint = current;
                    onChange.run();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                log.atError().log("config reload failed; the watcher keeps going: " + e.getMessage(), e);
            } catch (Error e) {
                if (!closed) {
                    onFatal.fatal(e);
                }
                return;
            }
        }
    }

    /** Swallows further events until none arrived for {@code quiet}: one reload per burst of saves. */
    private void quietFor(Duration quiet) throws InterruptedException {
        WatchKey more;
        while ((more = watchService.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
            drain(more);
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    private void registerTree() {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> directories = Files.walk(directory)) {
            directories.filter(Files::isDirectory).forEach(this::register);
        } catch (IOException | UncheckedIOException e) {
            log.atWarn().log("cannot list " + directory + ": " + e.getMessage());
        }
    }

    private void register(Path dir) {
        try {
            dir.register(watchService, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY, OVERFLOW);
        } catch (IOException e) {
            log.atWarn().log("cannot watch " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Path, size and modification time of every file under the directory that is not hidden, sorted: the service files,
     * and the env_files and secret files beside them, whose change must roll the pods like a service file's.
     */
    static List<String> fingerprint(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(ConfigDirectoryWatcher::isYaml)
                    .map(ConfigDirectoryWatcher::describe)
                    .filter(Objects::nonNull)
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of("unreadable:" + e.getMessage());
        }
    }

    private static boolean isYaml(Path path) {
        Path fileName = path.getFileName();
        String name = fileName == null ? "" : fileName.toString();
        return !name.isEmpty() && !name.startsWith(".");
    }

    private static @Nullable String describe(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile()
                    ? file + "|" + attributes.size() + "|"
                            + attributes.lastModifiedTime().toMillis()
                    : null;
        } catch (IOException vanished) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            watchService.close();
        } catch (IOException ignored) {
            // closing the watch service only ends the thread's poll
        }
        thread.interrupt();
    }
}
