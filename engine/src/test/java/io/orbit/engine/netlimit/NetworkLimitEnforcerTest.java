package io.orbit.engine.netlimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.journal.JournalEntry;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NetworkLimitEnforcerTest {

    private static final NetworkLimit LIMIT = new NetworkLimit(10_000_000, 0, 8_000_000, 0);

    private final InMemoryContainerRuntime engine = InMemoryContainerRuntime.withFixtureImage();
    private final EventJournal journal = new EventJournal(InstantSource.system(), 100);
    private final RecordingLimiter limiter = new RecordingLimiter();
    private Optional<EngineInfo> engineInfo = Optional.empty();
    private final NetworkLimitEnforcer enforcer = new NetworkLimitEnforcer(engine, limiter, () -> engineInfo, journal);

    /** A limiter that records what it was asked and fails on demand. */
    private static final class RecordingLimiter implements NetworkLimiter {
        final List<Long> appliedTo = new ArrayList<>();
        NetworkLimitSupport support = NetworkLimitSupport.supported();
        Optional<String> failure = Optional.empty();

        @Override
        public NetworkLimitSupport support() {
            return support;
        }

        @Override
        public void apply(long pid, NetworkLimit limit) throws NetworkLimitException {
            if (failure.isPresent()) {
                throw new NetworkLimitException(failure.get());
            }
            appliedTo.add(pid);
        }
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void everyStartOfALimitedContainerAppliesItsLimitToItsCurrentProcess() {
        String id = engine.createContainer(limited("web-1"));

        engine.startContainer(id);
        enforcer.afterStart(id);
        long firstPid = engine.inspectContainer(id).pid();
        engine.stopContainer(id, java.time.Duration.ofSeconds(1));
        engine.startContainer(id); // a restart in place: a new namespace, the limit again
        enforcer.afterStart(id);

        assertThat(limiter.appliedTo)
                .containsExactly(firstPid, engine.inspectContainer(id).pid());
        assertThat(enforcer.status(id)).hasValueSatisfying(status -> {
            assertThat(status.applied()).isTrue();
            assertThat(status.service()).isEqualTo("web");
            assertThat(status.container()).isEqualTo("main");
            assertThat(status.limit()).isEqualTo(LIMIT);
        });
        assertThat(journal.after(0)).isEmpty();
    }

    @Test
    void unlimitedContainersAreLeftAlone() {
        String id = engine.createContainer(ContainerSpec.builder("plain", "localhost/orbit-fixture:latest")
                .label(OrbitLabels.SERVICE, "web")
                .build());

        engine.startContainer(id);
        enforcer.afterStart(id);

        assertThat(limiter.appliedTo).isEmpty();
        assertThat(enforcer.status(id)).isEmpty();
    }

    @Test
    void aRootlessEngineCannotLimit() {
        engineInfo = Optional.of(new EngineInfo("podman", "4.3.1", "4.3.1", true, 1, Set.of(), "unix:///run/user"));

        assertThat(enforcer.support().available()).isFalse();
        assertThat(enforcer.support().problem()).contains("rootless");
        assertThat(enforcer.support().fix()).startsWith("run this service on rootful Podman or Docker");
    }

    @Test
    void aFailureToApplyNeverFailsTheStartAndIsReported() {
        limiter.failure = Optional.of("'tc qdisc replace …' failed with exit code 2: Error: Cannot find device");
        String id = engine.createContainer(limited("failing"));
        engine.startContainer(id);

        enforcer.afterStart(id);

        assertThat(engine.inspectContainer(id).state().isRunning()).isTrue();
        assertThat(enforcer.status(id))
                .hasValueSatisfying(status -> assertThat(status.applied()).isFalse());
        assertThat(journal.after(0)).singleElement().satisfies(entry -> assertEntry(entry, "Cannot find device"));
    }

    @Test
    void aRemovedContainerIsForgotten() {
        String id = engine.createContainer(limited("gone"));
        engine.startContainer(id);
        enforcer.afterStart(id);

        enforcer.forget(id);

        assertThat(enforcer.status(id)).isEmpty();
    }

    private static void assertEntry(JournalEntry entry, String problem) {
        assertThat(entry.kind()).isEqualTo(NetworkLimitEnforcer.JOURNAL_KIND);
        assertThat(entry.service()).contains("web");
        assertThat(entry.pod()).contains("pod-1");
        assertThat(entry.message()).contains("network_limit of container 'main'", "NOT enforced", problem, "Fix:");
    }

    private static ContainerSpec limited(String name) {
        return ContainerSpec.builder(name, "localhost/orbit-fixture:latest")
                .command(List.of("sleep", "3600"))
                .labels(Map.of(OrbitLabels.SERVICE, "web", OrbitLabels.POD, "pod-1", OrbitLabels.CONTAINER, "main"))
                .labels(LIMIT.labels())
                .build();
    }
}
