package io.orbit.engine.testing;

import io.orbit.engine.health.HealthMetrics;
import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.health.ProbeRunner;
import io.orbit.engine.health.ProbeScheduler;
import io.orbit.engine.health.RestartBackoff;
import io.orbit.engine.health.RestartLedger;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.reconcile.PodDrainer;
import io.orbit.engine.reconcile.ReconcileMetrics;
import io.orbit.engine.reconcile.ServicePass;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.runtime.ContainerRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Random;
import java.util.function.BiConsumer;

/** Builds {@link ServicePass}es and {@link HealthMonitor}s for tests, with everything they need in memory. */
public final class TestPasses {

    /** A scheduler that never runs anything: for tests that do not probe. */
    public static final ProbeScheduler IDLE = new ProbeScheduler() {
        @Override
        public Cancellable schedule(Duration delay, boolean callsEngine, Runnable task) {
            return () -> {};
        }

        @Override
        public void close() {}
    };

    private TestPasses() {}

    /** The default back-off without jitter, so tests can name exact delays. */
    public static final RestartBackoff BACKOFF = new RestartBackoff(
            RestartBackoff.DEFAULT.initial(),
            RestartBackoff.DEFAULT.cap(),
            0,
            RestartBackoff.DEFAULT.resetAfter(),
            RestartBackoff.DEFAULT.crashLoopRestarts(),
            RestartBackoff.DEFAULT.crashLoopWindow());

    /** A monitor that probes nothing (no scheduler runs), with the default back-off and no jitter. */
    public static HealthMonitor idleMonitor(StatusStore status, InstantSource clock) {
        return monitor(
                status,
                clock,
                IDLE,
                (probe, target) -> {
                    throw new AssertionError("no probe expected");
                },
                new EventJournal(clock, 100));
    }

    public static HealthMonitor monitor(
            StatusStore status,
            InstantSource clock,
            ProbeScheduler scheduler,
            ProbeRunner runner,
            EventJournal journal) {
        return new HealthMonitor(
                status,
                runner,
                scheduler,
                new RestartLedger(BACKOFF, new Random(42)),
                journal,
                HealthMetrics.NONE,
                clock,
                () -> true);
    }

    public static ServicePass pass(
            ContainerRuntime runtime,
            Ownership ownership,
            StatusStore status,
            InstantSource clock,
            PodDrainer drainer) {
        return pass(runtime, ownership, status, clock, drainer, idleMonitor(status, clock), (service, delay) -> {});
    }

    public static ServicePass pass(
            ContainerRuntime runtime,
            Ownership ownership,
            StatusStore status,
            InstantSource clock,
            PodDrainer drainer,
            HealthMonitor health,
            BiConsumer<String, Duration> recheck) {
        return pass(
                runtime,
                ownership,
                status,
                clock,
                drainer,
                new PodVolumes(runtime, ownership, Path.of("target", "test-volumes"), clock),
                health,
                recheck);
    }

    /** A pass with the given volumes and a monitor that probes nothing. */
    public static ServicePass pass(
            ContainerRuntime runtime,
            Ownership ownership,
            StatusStore status,
            InstantSource clock,
            PodDrainer drainer,
            PodVolumes volumes) {
        return pass(
                runtime,
                ownership,
                status,
                clock,
                drainer,
                volumes,
                idleMonitor(status, clock),
                (service, delay) -> {});
    }

    public static ServicePass pass(
            ContainerRuntime runtime,
            Ownership ownership,
            StatusStore status,
            InstantSource clock,
            PodDrainer drainer,
            PodVolumes volumes,
            HealthMonitor health,
            BiConsumer<String, Duration> recheck) {
        return new ServicePass(
                runtime,
                ownership,
                status,
                clock,
                ReconcileMetrics.NONE,
                drainer,
                volumes,
                health,
                new EventJournal(clock, 1000),
                recheck,
                null);
    }
}
