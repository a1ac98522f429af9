package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.daemon.api.InProcessDaemon;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's modules give one lifecycle, in one documented order (docs/architecture.md). */
class DaemonWiringTest {

    @TempDir
    java.nio.file.Path work;

    @Test
    void oneLifecycleInDependencyOrder() throws Exception {
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty())) {
            assertThat(daemon.lifecyclePartNames())
                    .containsExactly(
                            "container runtime client",
                            "runtime monitor",
                            "proxy",
                            "network limit detection",
                            "pod start pool",
                            "pods on exit",
                            "state restore",
                            "configuration",
                            "state store",
                            "reconciler",
                            "health monitor",
                            "config directory watcher",
                            "image watcher",
                            "autoscaler",
                            "api server",
                            "systemd notifier");
        }
    }
}
