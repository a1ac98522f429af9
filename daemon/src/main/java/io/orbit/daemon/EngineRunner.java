package io.orbit.daemon;

import io.orbit.daemon.lifecycle.Managed;
import io.orbit.engine.autoscale.AutoscaleLoop;
import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.image.ImageWatcher;
import io.orbit.engine.reconcile.Reconciler;
import io.orbit.engine.reload.ConfigDirectoryWatcher;
import io.orbit.engine.reload.ConfigReloader;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.runtime.ContainerRuntime;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the engine: the first load of the config directory, the reconcile workers, the directory watcher, the
 * autoscaler and the image watcher. On
 * close it stops them; with {@code --on-exit stop} it then removes every pod, otherwise pods keep running for the
 * next start to adopt.
 */
public final class EngineRunner implements Managed {

    private static final Logger log = LoggerFactory.getLogger(EngineRunner.class);
    static final Duration RESYNC_INTERVAL = Duration.ofSeconds(5);
    static final int WORKERS = 4;

    private final DaemonOptions options;
    private final ConfigReloader reloader;
    private final Reconciler reconciler;
    private final DesiredState desired;
    private final StatusStore status;
    private final ContainerRuntime runtime;
    private final HealthMonitor health;
    private final AutoscaleLoop autoscaler;
    private final ImageWatcher images;
    private @Nullable ConfigDirectoryWatcher watcher;

    @Inject
    EngineRunner(
            DaemonOptions options,
            ConfigReloader reloader,
            Reconciler reconciler,
            DesiredState desired,
            StatusStore status,
            ContainerRuntime runtime,
            HealthMonitor health,
            AutoscaleLoop autoscaler,
            ImageWatcher images) {
        this.options = options;
        this.images = images;
        this.autoscaler = autoscaler;
        this.health = health;
        this.reloader = reloader;
        this.reconciler = reconciler;
        this.desired = desired;
        this.status = status;
        this.runtime = runtime;
    }

    @Override
    public String name() {
        return "engine";
    }

    @Override
    public void start() {
        createConfigDirectory();
        reloader.reload();
        reconciler.start(WORKERS, RESYNC_INTERVAL);
        watcher = new ConfigDirectoryWatcher(
                options.configDirectory(), reloader::reload, Duration.ofMillis(150), Duration.ofSeconds(2));
        watcher.start();
        autoscaler.start();
        images.start();
        log.atInfo()
                .addKeyValue("configDir", options.configDirectory().toAbsolutePath())
                .log("watching the config directory");
    }

    private void createConfigDirectory() {
        if (Files.isDirectory(options.configDirectory())) {
            return;
        }
        try {
            Files.createDirectories(options.configDirectory());
            log.atInfo().addKeyValue("configDir", options.configDirectory()).log("Created configuration directory");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the config directory " + options.configDirectory(), e);
        }
    }

    /** Re-reads the config directory now (SIGHUP, {@code systemctl reload}). */
    public void reload() {
        reloader.reload();
    }

    @Override
    public void close() {
        autoscaler.close();
        images.close();
        if (watcher != null) {
            watcher.close();
        }
        health.close();
        reconciler.close();
        if (options.onExit() == DaemonOptions.OnExit.stop) {
            removeAllPods();
        } else {
            log.atInfo().log("leaving the pods running for the next start to adopt (--on-exit keep)");
        }
        runtime.close();
    }

    private void removeAllPods() {
        Set<String> services = status.services().keySet();
        log.atInfo().addKeyValue("services", services.size()).log("stopping every pod (--on-exit stop)");
        desired.replace(new DesiredState.Snapshot(java.util.Map.of(), List.of(), java.time.Instant.now()));
        for (String service : services) {
            reconciler.reconcile(service);
        }
    }
}
