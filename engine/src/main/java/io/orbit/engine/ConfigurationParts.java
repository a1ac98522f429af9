package io.orbit.engine;

import io.orbit.engine.lifecycle.Managed;
import io.orbit.engine.reload.ConfigDirectoryWatcher;
import io.orbit.engine.reload.ConfigReloader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The config directory's two parts of the lifecycle: the first load, and the watcher that reloads on every edit. */
final class ConfigurationParts {

    private static final Logger log = LoggerFactory.getLogger(ConfigurationParts.class);
    static final Duration DEBOUNCE = Duration.ofMillis(150);
    static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

    private final Path directory;
    private final ConfigReloader reloader;
    /** Made at start: its constructor reads the directory. */
    private volatile @Nullable ConfigDirectoryWatcher watcher;

    ConfigurationParts(Path directory, ConfigReloader reloader) {
        this.directory = directory;
        this.reloader = reloader;
    }

    /** Creates the directory if missing and loads it; must start before the reconciler (else all pods are orphans). */
    Managed firstLoad() {
        return Managed.of("configuration", this::load, Managed.Action.NOTHING);
    }

    Managed watcher() {
        return Managed.of("config directory watcher", this::watch, this::stopWatching);
    }

    private void load() {
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory);
                log.atInfo().addKeyValue("configDir", directory).log("Created configuration directory");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the config directory " + directory, e);
            }
        }
        reloader.reload();
    }

    private void watch() {
        ConfigDirectoryWatcher started =
                new ConfigDirectoryWatcher(directory, reloader::reload, DEBOUNCE, POLL_INTERVAL);
        started.start();
        watcher = started;
        log.atInfo().addKeyValue("configDir", directory.toAbsolutePath()).log("watching the config directory");
    }

    private void stopWatching() {
        ConfigDirectoryWatcher running = watcher;
        if (running != null) {
            running.close();
            watcher = null;
        }
    }
}
