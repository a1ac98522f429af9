package io.orbit.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.netlimit.NetworkLimit;
import io.orbit.engine.netlimit.NetworkLimitEnforcer;
import io.orbit.engine.netlimit.NetworkLimitSupport;
import io.orbit.engine.netlimit.NetworkLimiter;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.testing.ManualClock;
import io.orbit.engine.testing.TestPasses;
import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.LabelSelector;
import io.orbit.runtime.testing.FakeImage;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code network_limit} through whole passes on the in-memory runtime: the limit steps of the plan reach the enforcer
 * after every start of a limited container, and a pod this host cannot limit is refused before anything of it exists.
 */
class NetworkLimitPassTest {

    private final ManualClock clock = new ManualClock();
    private final InMemoryContainerRuntime runtime = new InMemoryContainerRuntime(clock, List.of(FakeImage.fixture()));
    private final StatusStore status = new StatusStore();
    private final EventJournal journal = new EventJournal(clock, 1000);
    private final List<Long> limitedPids = new ArrayList<>();
    private NetworkLimitSupport support = NetworkLimitSupport.supported();
    private Optional<EngineInfo> engineInfo = Optional.empty();
    private final NetworkLimiter limiter = new NetworkLimiter() {
        @Override
        public NetworkLimitSupport support() {
            return support;
        }

        @Override
        public void apply(long pid, NetworkLimit limit) {
            limitedPids.add(pid);
        }
    };
    private final NetworkLimitEnforcer enforcer = new NetworkLimitEnforcer(runtime, limiter, () -> engineInfo, journal);
    private final ServicePass pass = new ServicePass(
            runtime,
            Ownership.DEFAULT,
            status,
            clock,
            ReconcileMetrics.NONE,
            PodDrainer.NONE,
            new io.orbit.engine.volume.PodVolumes(
                    runtime, Ownership.DEFAULT, java.nio.file.Path.of("target", "test-volumes"), clock),
            TestPasses.idleMonitor(status, clock),
            journal,
            (service, delay) -> {},
            enforcer);
    private final DesiredService web = TestServices.service("web")
            .replicas(2)
            .limitedContainer("main", "10Mbps", "8Mbps")
            .build();

    @AfterEach
    void close() {
        pass.close();
        runtime.close();
    }

    @Test
    void everyNewPodAndEveryRestartInPlaceIsLimited() {
        assertThat(pass.run("web", Optional.of(web), 0)).isTrue();
        assertThat(limitedPids).hasSize(2);
        String victim = containers().getFirst().id();

        runtime.crash(victim, 1);
        assertThat(pass.run("web", Optional.of(web), 0)).isTrue();

        assertThat(limitedPids)
                .hasSize(3)
                .contains(runtime.inspectContainer(victim).pid());
        assertThat(enforcer.status(victim))
                .hasValueSatisfying(limit -> assertThat(limit.applied()).isTrue());
    }

    @Test
    void aRemovedPodIsForgotten() {
        pass.run("web", Optional.of(web), 0);
        String id = containers().getFirst().id();

        pass.run("web", Optional.empty(), 0);

        assertThat(containers()).isEmpty();
        assertThat(enforcer.status(id)).isEmpty();
    }

    @Test
    void aRootlessEngineRefusesThePodRatherThanRunItUnlimited() {
        engineInfo = Optional.of(new EngineInfo("podman", "4.3.1", "4.3.1", true, 1, Set.of(), "unix:///run/user"));

        assertThat(pass.run("web", Optional.of(web), 0)).isFalse();

        assertThat(containers()).as("nothing was created").isEmpty();
        assertThat(Optional.ofNullable(status.services().get("web")).flatMap(ServiceStatus::lastError))
                .hasValueSatisfying(error -> assertThat(error)
                        .contains("cannot start pod 0 of service 'web' (web.yml)")
                        .contains("network_limit of container 'main'")
                        .contains("rootless")
                        .contains("does not start it unlimited")
                        .contains("Fix: run this service on rootful Podman or Docker"));
        assertThat(limitedPids).isEmpty();
    }

    @Test
    void missingToolsRefuseThePodWithTheirFix() {
        support = NetworkLimitSupport.unsupported(
                "tc not found on the PATH", "install them: apt-get install iproute2 util-linux");

        assertThat(pass.run("web", Optional.of(web), 0)).isFalse();

        assertThat(Optional.ofNullable(status.services().get("web")).flatMap(ServiceStatus::lastError))
                .hasValueSatisfying(error -> assertThat(error).contains("tc not found", "apt-get install"));
    }

    @Test
    void withoutAnEnforcerNothingIsLimitedOrRefused() {
        try (ServicePass unlimited = TestPasses.pass(runtime, Ownership.DEFAULT, status, clock, PodDrainer.NONE)) {
            engineInfo = Optional.of(new EngineInfo("podman", "4.3.1", "4.3.1", true, 1, Set.of(), "unix:///run/user"));

            assertThat(unlimited.run("web", Optional.of(web), 0)).isTrue();
        }

        assertThat(containers()).hasSize(2);
        assertThat(limitedPids).isEmpty();
    }

    private List<ContainerSummary> containers() {
        return runtime.listContainers(LabelSelector.of(OrbitLabels.SERVICE, "web"));
    }
}
