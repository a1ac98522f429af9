package io.orbit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.engine.autoscale.AutoscaleMetrics;
import io.orbit.engine.config.ConfigDirectory;
import io.orbit.engine.health.HealthMetrics;
import io.orbit.engine.lifecycle.ContainerLifeCycle;
import io.orbit.engine.lifecycle.Managed;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.netlimit.NetworkLimit;
import io.orbit.engine.netlimit.NetworkLimitSupport;
import io.orbit.engine.netlimit.NetworkLimiter;
import io.orbit.engine.reconcile.ReconcileMetrics;
import io.orbit.engine.reload.ConfigReloader;
import io.orbit.engine.routing.TrafficControl;
import io.orbit.engine.spec.HostAccess;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The composition root on the in-memory runtime: its parts and their order, what happens in start and in stop. */
class EngineTest {

    private static final String WEB = """
            name: web
            instance_count:
              min: 2
              max: 2
            spec:
              containers:
                - name: main
                  image: localhost/orbit-fixture:latest
                  command: ["sleep", "3600"]
            """;

    @TempDir
    Path work;

    private final InMemoryContainerRuntime runtime = InMemoryContainerRuntime.withFixtureImage();
    private final AtomicInteger detections = new AtomicInteger();
    private final List<String> events = new ArrayList<>();
    private final List<Engine> engines = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        engines.forEach(engine -> engine.lifecycle().stop());
        runtime.close();
    }

    private Engine engine(boolean stopPodsOnExit) {
        EngineSettings settings = new EngineSettings(
                "engine-test",
                new ConfigDirectory(work.resolve("configs")),
                4112,
                HostAccess.denied(),
                work.resolve("volumes"),
                Duration.ZERO,
                stopPodsOnExit,
                InstantSource.system());
        EnginePorts ports = new EnginePorts(
                runtime,
                TrafficControl.NONE,
                Optional::empty,
                () -> {
                    detections.incrementAndGet();
                    return new NoLimits();
                },
                List.of(Managed.of(
                        "upstream", () -> events.add("upstream started"), () -> events.add("upstream stopped"))));
        EngineReporting reporting = new EngineReporting(
                ReconcileMetrics.NONE,
                HealthMetrics.NONE,
                AutoscaleMetrics.NONE,
                ConfigReloader.Listener.NONE,
                volumes -> () -> {});
        Engine engine = new Engine(settings, EngineStores.create(InstantSource.system()), ports, reporting);
        engines.add(engine);
        return engine;
    }

    @Test
    void thePartsStartInDependencyOrder() {
        assertThat(engine(false).lifecycle().partNames())
                .containsExactly(
                        "container runtime client",
                        "upstream",
                        "network limit detection",
                        "pod start pool",
                        "pods on exit",
                        "configuration",
                        "reconciler",
                        "health monitor",
                        "config directory watcher",
                        "image watcher",
                        "autoscaler");
    }

    @Test
    void buildingDoesNoIoStartDetectsAndLoadsStopReverses() throws Exception {
        Engine engine = engine(false);
        assertThat(detections)
                .as("detection runs in start(), never while building")
                .hasValue(0);
        assertThat(work.resolve("configs")).doesNotExist();
        assertThat(engine.networkLimits().support().available()).isFalse();

        Files.createDirectories(work.resolve("configs"));
        Files.writeString(work.resolve("configs/web.yml"), WEB);
        engine.lifecycle().start();

        assertThat(detections).hasValue(1);
        assertThat(events).containsExactly("upstream started");
        assertThat(engine.desired().serviceNames())
                .as("loaded before the reconciler started")
                .contains("web");
        assertThat(engine.networkLimits().support()).isEqualTo(NetworkLimitSupport.supported());

        assertThat(engine.lifecycle().stop()).isEmpty();
        assertThat(events).containsExactly("upstream started", "upstream stopped");
        assertThat(engine.lifecycle().state()).isEqualTo(ContainerLifeCycle.State.STOPPED);
    }

    @Test
    void aMissingConfigDirectoryIsCreatedAtStart() throws Exception {
        Engine engine = engine(false);

        engine.lifecycle().start();

        assertThat(work.resolve("configs")).isDirectory();
    }

    @Test
    void aConfigDirectoryThatCannotBeMadeFailsTheStartAndLeavesNothingRunning() throws Exception {
        Files.writeString(work.resolve("configs"), "a file where the directory should be");
        Engine engine = engine(false);

        assertThatThrownBy(() -> engine.lifecycle().start())
                .hasMessageStartingWith("cannot start configuration: cannot create the config directory");

        assertThat(events).containsExactly("upstream started", "upstream stopped");
        assertThat(engine.lifecycle().state()).isEqualTo(ContainerLifeCycle.State.FAILED);
    }

    @Test
    void onExitStopRemovesEveryPodAfterTheReconcilerStopped() throws Exception {
        Engine engine = runningWithPods(true);

        assertThat(engine.lifecycle().stop()).isEmpty();

        assertThat(pods()).as("--on-exit stop").isEmpty();
    }

    @Test
    void onExitKeepLeavesThePodsForTheNextStart() throws Exception {
        Engine engine = runningWithPods(false);
        List<ContainerSummary> before = pods();

        assertThat(engine.lifecycle().stop()).isEmpty();

        assertThat(pods()).as("--on-exit keep").hasSameSizeAs(before);
    }

    /** Converges web with one pass on this thread before the start, so no test waits for a worker. */
    private Engine runningWithPods(boolean stopPodsOnExit) throws Exception {
        Files.createDirectories(work.resolve("configs"));
        Files.writeString(work.resolve("configs/web.yml"), WEB);
        Engine engine = engine(stopPodsOnExit);
        engine.reload();
        assertThat(engine.reconciler().reconcile("web")).isTrue();
        assertThat(pods()).hasSize(2);
        engine.lifecycle().start();
        return engine;
    }

    private List<ContainerSummary> pods() {
        return runtime.listContainers(OrbitLabels.service("web"));
    }

    /** A host where limits work and nothing is applied. */
    private static final class NoLimits implements NetworkLimiter {
        @Override
        public NetworkLimitSupport support() {
            return NetworkLimitSupport.supported();
        }

        @Override
        public void apply(long pid, NetworkLimit limit) {}
    }
}
