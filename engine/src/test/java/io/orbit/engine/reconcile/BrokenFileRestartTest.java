package io.orbit.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.journal.JournalEntry;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.reload.ConfigReloader;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.testing.ManualClock;
import io.orbit.engine.testing.TestPasses;
import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.testing.FakeImage;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad file never touches the running containers of the service it describes, also after a daemon restart, when
 * there is no earlier good definition to fall back on: the daemon starts with pods of a service present and that
 * service's file broken. Real config files, the real reloader and reconciler, the in-memory runtime.
 */
class BrokenFileRestartTest {

    private static final String WEB = """
            name: web
            instance_count: {min: 2, max: 4}
            spec:
              containers:
                - name: main
                  image: %s
            """.formatted(TestServices.IMAGE);

    private final ManualClock clock = new ManualClock();
    private final InMemoryContainerRuntime runtime = new InMemoryContainerRuntime(clock, List.of(FakeImage.fixture()));

    @TempDir
    Path configs;

    private Daemon daemon;

    /** What one daemon process holds: a fresh desired state, queue, journal and reconciler. */
    private final class Daemon {
        final DesiredState desired = new DesiredState();
        final ReconcileQueue queue = new ReconcileQueue(clock, RetryBackoff.DEFAULT);
        final EventJournal journal = new EventJournal(clock, 100);
        final StatusStore status = new StatusStore();
        final Reconciler reconciler = new Reconciler(
                runtime,
                Ownership.DEFAULT,
                desired,
                status,
                queue,
                TestPasses.pass(runtime, Ownership.DEFAULT, status, clock, PodDrainer.NONE),
                journal);
        final ConfigReloader reloader = new ConfigReloader(
                configs, SpecValidator.DEFAULT_API_PORT, desired, queue, clock, ConfigReloader.Listener.NONE);

        /** A reload, then what the resync does: the orphan sweep and a pass for every queued service, until quiet. */
        void reloadAndConverge() {
            reloader.reload();
            reconciler.enqueueAll();
            for (int i = 0; i < 50; i++) {
                Optional<String> key = queue.poll();
                if (key.isEmpty()) {
                    return;
                }
                boolean ok = key.get().equals(Reconciler.ORPHAN_SWEEP)
                        ? reconciler.sweepOrphans().isPresent()
                        : reconciler.reconcile(key.get());
                queue.done(key.get(), ok);
            }
        }

        List<String> journalled(String kind) {
            return journal.after(0).stream()
                    .filter(entry -> entry.kind().equals(kind))
                    .map(JournalEntry::message)
                    .toList();
        }
    }

    @BeforeEach
    void webRunsWithTwoPods() throws IOException {
        write("web.yml", WEB);
        daemon = new Daemon();
        daemon.reloadAndConverge();
        assertThat(containerIds("web")).hasSize(2);
    }

    @AfterEach
    void closeRuntime() {
        runtime.close();
    }

    @Test
    void malformedYamlAfterARestartLeavesThePodsAsTheyRun() throws IOException {
        Set<String> before = containerIds("web");
        write("web.yml", "name: web\ninstance_count: {min: 2, max: 4\nspec: [\n");

        Daemon restarted = new Daemon();
        restarted.reloadAndConverge();
        restarted.reloadAndConverge();

        assertThat(containerIds("web")).isEqualTo(before);
        assertThat(runningIds("web")).isEqualTo(before);
        assertThat(restarted.journalled("kept-broken-file"))
                .singleElement()
                .satisfies(message -> assertThat(message)
                        .contains("kept as they run")
                        .contains("web.yml is broken")
                        .contains("invalid YAML"));
        assertThat(restarted.journalled("pod-removed")).isEmpty();
        assertThat(restarted.status.services().get("web"))
                .as("the kept service is in the status, with its pods and why")
                .satisfies(status -> {
                    assertThat(status.desired()).isEmpty();
                    assertThat(status.pods()).hasSize(2);
                    assertThat(status.lastError())
                            .hasValueSatisfying(why -> assertThat(why)
                                    .startsWith("containers kept as they run")
                                    .contains("web.yml is broken"));
                });
    }

    @Test
    void aFileFailingValidationAfterARestartLeavesThePodsAsTheyRun() throws IOException {
        Set<String> before = containerIds("web");
        write("web.yml", WEB.replace("{min: 2, max: 4}", "{min: 5, max: 4}"));

        Daemon restarted = new Daemon();
        restarted.reloadAndConverge();

        assertThat(runningIds("web")).isEqualTo(before);
        assertThat(restarted.journalled("kept-broken-file"))
                .singleElement()
                .satisfies(message -> assertThat(message).contains("web.yml is broken"));
    }

    @Test
    void aBrokenFileUnderAnotherNameStillProtectsTheServiceItClaims() throws IOException {
        Set<String> before = containerIds("web");
        Files.delete(configs.resolve("web.yml"));
        write("frontend.yml", "name: web\n\tinstance_count: oops: [\n");

        Daemon restarted = new Daemon();
        restarted.reloadAndConverge();

        assertThat(runningIds("web")).isEqualTo(before);
    }

    @Test
    void aBrokenFileNamingNoServiceProtectsEveryUndefinedService() throws IOException {
        Set<String> before = containerIds("web");
        Files.delete(configs.resolve("web.yml"));
        write("mystery.yml", "{{{ not yaml at all\n");

        Daemon restarted = new Daemon();
        restarted.reloadAndConverge();

        assertThat(runningIds("web")).isEqualTo(before);
        assertThat(restarted.journalled("kept-broken-file"))
                .singleElement()
                .satisfies(
                        message -> assertThat(message).contains("mystery.yml").contains("names no service"));
    }

    @Test
    void aBrokenFileOfAnotherServiceDoesNotKeepADeletedService() throws IOException {
        Files.delete(configs.resolve("web.yml"));
        write("api.yml", "name: api\ninstance_count: {min: 1, max: 1\n");

        Daemon restarted = new Daemon();
        restarted.reloadAndConverge();

        assertThat(containerIds("web")).as("web's file is gone: web is removed").isEmpty();
    }

    @Test
    void onceTheFileIsFixedTheServiceIsReconciledNormally() throws IOException {
        Set<String> before = containerIds("web");
        write("web.yml", "name: web\nspec: [\n");
        Daemon restarted = new Daemon();
        restarted.reloadAndConverge();
        assertThat(runningIds("web")).isEqualTo(before);

        write("web.yml", WEB.replace("{min: 2, max: 4}", "{min: 3, max: 4}"));
        restarted.reloadAndConverge();

        assertThat(containerIds("web")).as("adopted, plus one").hasSize(3).containsAll(before);
        assertThat(restarted.status.services().get("web").runningPods()).isEqualTo(3);
    }

    @Test
    void deletingTheBrokenFileRemovesTheService() throws IOException {
        write("web.yml", "name: web\nspec: [\n");
        Daemon restarted = new Daemon();
        restarted.reloadAndConverge();
        assertThat(containerIds("web")).hasSize(2);

        Files.delete(configs.resolve("web.yml"));
        restarted.reloadAndConverge();

        assertThat(containerIds("web")).isEmpty();
    }

    @Test
    void withinOneDaemonABrokenFileKeepsThePreviousDefinition() throws IOException {
        Set<String> before = containerIds("web");
        write("web.yml", "name: web\nspec: [\n");

        daemon.reloadAndConverge();

        assertThat(runningIds("web")).isEqualTo(before);
        assertThat(daemon.desired.service("web")).isPresent();
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(configs.resolve(name), text);
    }

    private Set<String> containerIds(String service) {
        return runtime.listContainers(OrbitLabels.service(service)).stream()
                .map(ContainerSummary::id)
                .collect(Collectors.toSet());
    }

    private Set<String> runningIds(String service) {
        List<String> ids = new ArrayList<>();
        runtime.listContainers(OrbitLabels.service(service)).stream()
                .filter(container -> container.state().isRunning())
                .forEach(container -> ids.add(container.id()));
        return Set.copyOf(ids);
    }
}
