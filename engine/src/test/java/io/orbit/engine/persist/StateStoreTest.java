package io.orbit.engine.persist;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.health.RestartBackoff;
import io.orbit.engine.health.RestartLedger;
import io.orbit.engine.health.SlotKey;
import io.orbit.engine.image.ImageWatcher;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.journal.JournalEntry;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.reconcile.RetryBackoff;
import io.orbit.engine.reconcile.Rollouts;
import io.orbit.engine.spec.HostAccess;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.testing.ManualClock;
import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {

    @TempDir
    Path temp;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T12:00:00Z"));
    private final DesiredService web =
            TestServices.service("web").replicas(1, 5).build();
    private final DesiredService webV2 = TestServices.service("web")
            .replicas(1, 5)
            .container("main", "localhost/orbit-fixture:v2", List.of())
            .build();

    /** One daemon run's engine state and its store. */
    private final class Run {
        final DesiredState desired = new DesiredState();
        final RestartLedger ledger = new RestartLedger(RestartBackoff.DEFAULT, new Random(7));
        final EventJournal journal = new EventJournal(clock, EventJournal.DEFAULT_CAPACITY);
        final Rollouts rollouts = new Rollouts(journal);
        final ImageWatcher images = new ImageWatcher(
                desired,
                new StatusStore(),
                new InMemoryContainerRuntime(clock, List.of()),
                new ReconcileQueue(clock, RetryBackoff.DEFAULT),
                journal,
                clock);
        final StateStore store;

        Run(Path directory) {
            desired.replace(new DesiredState.Snapshot(Map.of("web", web), List.of(), clock.instant()));
            store = new StateStore(
                    directory,
                    clock,
                    desired,
                    ledger,
                    rollouts,
                    images,
                    journal,
                    service -> new StateStore.AutoscaleMark(Optional.of(clock.instant()), Duration.ofMinutes(5)),
                    StateStore.SpecResolver.validating(SpecValidator.DEFAULT_API_PORT, HostAccess.denied()));
        }
    }

    @Test
    void everyKeptThingComesBackAfterARestart() {
        Path directory = temp.resolve("state");
        Run first = new Run(directory);
        first.store.restore();
        first.desired.pinReplicas("api", 4);
        first.desired.setAutoscaledReplicas("web", 3);
        String token = first.desired.restart("web");
        SlotKey slot = new SlotKey("web", 1, web.configHash());
        for (int i = 0; i < RestartBackoff.DEFAULT.crashLoopRestarts(); i++) {
            first.ledger.restarted(slot, "exited with code 1", clock.instant());
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(first.ledger.isCrashLooping(slot)).isTrue();
        first.rollouts.restore(new Rollouts.Kept("web", List.of(web), Set.of(webV2.configHash())));
        first.images.restoreTriggered("web", TestServices.IMAGE, "sha256:rolled-back");
        first.journal.record("pod-started", Optional.of("web"), Optional.of("web-1"), "started");
        first.journal.record("pod-removed", Optional.of("web"), Optional.of("web-2"), "removed");
        assertThat(first.store.flush(true)).isTrue();
        assertThat(Files.exists(directory.resolve("scaling.json"))).isTrue();

        Run second = new Run(directory);
        second.store.restore();
        second.store.restoreAutoscaled(service -> true, Map.of());

        assertThat(second.desired.pinnedReplicas("api")).contains(4);
        assertThat(second.desired.service("web").orElseThrow().replicas()).isEqualTo(3);
        assertThat(second.desired.restartToken("web")).contains(token);
        RestartLedger.Record kept = second.ledger.record(slot).orElseThrow();
        RestartLedger.Record was = first.ledger.record(slot).orElseThrow();
        assertThat(kept.crashLoop()).isTrue();
        assertThat(kept.nextRestartAllowed()).isEqualTo(was.nextRestartAllowed());
        assertThat(kept.restartCount()).isEqualTo(RestartBackoff.DEFAULT.crashLoopRestarts());
        // The failed spec is not tried again: the service converges on the kept good one.
        assertThat(second.rollouts.target(webV2).configHash()).isEqualTo(web.configHash());
        assertThat(second.rollouts
                        .target(webV2)
                        .definition()
                        .containers()
                        .get(0)
                        .image())
                .isEqualTo(TestServices.IMAGE);
        // The image id whose rollout was rolled back is not triggered again.
        assertThat(second.images.triggeredImages())
                .isEqualTo(Map.of("web", Map.of(TestServices.IMAGE, "sha256:rolled-back")));
        // The journal continues with the same numbers.
        assertThat(second.journal.after(0)).extracting(JournalEntry::sequence).containsExactly(1L, 2L);
        assertThat(second.journal
                        .record("pod-started", Optional.empty(), Optional.empty(), "after the restart")
                        .sequence())
                .isEqualTo(3L);
        assertThat(second.store.health().ok()).isTrue();
    }

    @Test
    void entriesRecordedBeforeTheRestoreAreNumberedAfterTheKeptOnes() {
        Path directory = temp.resolve("state");
        Run first = new Run(directory);
        first.store.restore();
        for (int i = 0; i < 5; i++) {
            first.journal.record("k", Optional.empty(), Optional.empty(), "m" + i);
        }
        first.store.flush(true);

        Run second = new Run(directory);
        second.journal.record("config-loaded", Optional.empty(), Optional.empty(), "early");
        second.store.restore();
        List<JournalEntry> entries = second.journal.after(0);
        assertThat(entries).extracting(JournalEntry::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(entries.get(5).message()).isEqualTo("early");
        assertThat(second.journal.after(5)).hasSize(1);
    }

    @Test
    void aCorruptFileIsSetAsideAndTheDaemonStartsWithoutIt() throws IOException {
        Path directory = temp.resolve("state");
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("scaling.json"), "{\"format\":1,\"pins\":{\"api\":4},\"autosc");
        Files.writeString(directory.resolve("restarts.json"), "\u0000\u0000garbage");
        Run run = new Run(directory);
        run.store.restore();

        assertThat(run.desired.pinnedReplicas("api")).isEmpty();
        assertThat(directory.resolve("scaling.json")).doesNotExist();
        assertThat(directory.resolve("restarts.json")).doesNotExist();
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(name -> name.startsWith("scaling.json.corrupt-20261205T120000"))
                    .anyMatch(name -> name.startsWith("restarts.json.corrupt-"));
        }
        assertThat(run.store.health().setAside()).hasSize(2);
        assertThat(run.journal.after(0)).extracting(JournalEntry::kind).contains("state-corrupt");
        // The next write makes good files again.
        run.desired.pinReplicas("api", 2);
        assertThat(run.store.flush(true)).isTrue();
        Run next = new Run(directory);
        next.store.restore();
        assertThat(next.desired.pinnedReplicas("api")).contains(2);
    }

    @Test
    void aFileOfAnotherFormatOrWithUnknownFieldsIsNotGuessedAt() throws IOException {
        Path directory = temp.resolve("state");
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("scaling.json"), "{\"format\":2,\"pins\":{\"api\":4},\"autoscaled\":{}}");
        Files.writeString(
                directory.resolve("rollouts.json"), "{\"format\":1,\"tokens\":{},\"services\":{},\"surprise\":true}");
        Run run = new Run(directory);
        run.store.restore();
        assertThat(run.desired.pinnedReplicas("api")).isEmpty();
        assertThat(run.store.health().setAside()).hasSize(2);
    }

    @Test
    void aTornJournalLineIsDroppedAndTheNumbersContinue() throws IOException {
        Path directory = temp.resolve("state");
        Run first = new Run(directory);
        first.store.restore();
        for (int i = 0; i < 3; i++) {
            first.journal.record("k", Optional.empty(), Optional.empty(), "m" + i);
        }
        first.store.flush(true);
        Path segment;
        try (Stream<Path> files = Files.list(directory.resolve("journal"))) {
            segment = files.findFirst().orElseThrow();
        }
        Files.writeString(segment, "{\"seq\":4,\"time\":\"2026-12-", StandardOpenOption.APPEND);

        Run second = new Run(directory);
        second.store.restore();
        assertThat(second.journal.after(0)).extracting(JournalEntry::sequence).containsExactly(1L, 2L, 3L);
        second.journal.record("k", Optional.empty(), Optional.empty(), "after");
        second.store.flush(true);

        Run third = new Run(directory);
        third.store.restore();
        assertThat(third.journal.after(0)).extracting(JournalEntry::sequence).containsExactly(1L, 2L, 3L, 4L);
        assertThat(third.journal.after(3).get(0).message()).isEqualTo("after");
    }

    @Test
    void theJournalOnDiskIsBoundedAndRotated() throws IOException {
        Path directory = temp.resolve("journal");
        JournalLog log = new JournalLog(directory, new StateCodec(), 200, 3);
        log.load(10);
        for (long sequence = 1; sequence <= 40; sequence++) {
            log.append(List.of(new JournalEntry(
                    sequence, clock.instant(), "k", Optional.empty(), Optional.empty(), "entry " + sequence)));
        }
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.count()).isEqualTo(3);
        }
        JournalLog.Loaded loaded = new JournalLog(directory, new StateCodec(), 200, 3).load(10);
        assertThat(loaded.lastSequence()).isEqualTo(40);
        // About two lines fit a 200-byte segment: three segments hold the newest few entries, without gaps.
        List<Long> kept = loaded.entries().stream().map(JournalEntry::sequence).toList();
        assertThat(kept).hasSizeBetween(4, 7).last().isEqualTo(40L);
        for (int i = 1; i < kept.size(); i++) {
            assertThat(kept.get(i)).isEqualTo(kept.get(i - 1) + 1);
        }
    }

    @Test
    void aWriteFailureIsShownAndRetriedAndNeverThrows() throws IOException {
        Path blocker = temp.resolve("not-a-directory");
        Files.writeString(blocker, "a file where the state directory's parent should be");
        Run run = new Run(blocker.resolve("state"));
        run.store.restore();
        run.desired.pinReplicas("api", 2);

        assertThat(run.store.flush(true)).isFalse();
        StateStore.Health failing = run.store.health();
        assertThat(failing.ok()).isFalse();
        assertThat(failing.error().orElseThrow())
                .contains("cannot write the daemon's state")
                .contains("--state-dir");
        Instant since = failing.since();
        // Within the back-off nothing is tried; after it the same error keeps its "since".
        assertThat(run.store.flush(false)).isFalse();
        clock.advance(Duration.ofSeconds(5));
        assertThat(run.store.flush(false)).isFalse();
        assertThat(run.store.health().since()).isEqualTo(since);

        Files.delete(blocker);
        clock.advance(Duration.ofMinutes(1));
        assertThat(run.store.flush(false)).isTrue();
        assertThat(run.store.health().ok()).isTrue();
        assertThat(Files.getPosixFilePermissions(blocker.resolve("state")))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        Run next = new Run(blocker.resolve("state"));
        next.store.restore();
        assertThat(next.desired.pinnedReplicas("api")).contains(2);
    }

    @Test
    void withoutStateAnAutoscaledServiceNeverStartsBelowItsRunningPods() {
        Run run = new Run(temp.resolve("state"));
        run.store.restore();
        run.store.restoreAutoscaled(service -> service.equals("web"), Map.of("web", 3, "other", 2));
        assertThat(run.desired.service("web").orElseThrow().replicas()).isEqualTo(3);
        assertThat(run.desired.autoscaledReplicas("other")).isEmpty();
    }

    @Test
    void theKeptCountAndTheRunningPodsTheHigherWins() {
        Path directory = temp.resolve("state");
        Run first = new Run(directory);
        first.store.restore();
        first.desired.setAutoscaledReplicas("web", 4);
        first.store.flush(true);

        Run fewerRunning = new Run(directory);
        fewerRunning.store.restore();
        fewerRunning.store.restoreAutoscaled(service -> true, Map.of("web", 1));
        assertThat(fewerRunning.desired.service("web").orElseThrow().replicas()).isEqualTo(4);

        Run moreRunning = new Run(directory);
        moreRunning.store.restore();
        moreRunning.store.restoreAutoscaled(service -> true, Map.of("web", 5));
        assertThat(moreRunning.desired.service("web").orElseThrow().replicas()).isEqualTo(5);
    }

    @Test
    void aPinnedServiceKeepsItsPinNotAnAutoscaledCount() {
        Path directory = temp.resolve("state");
        Run first = new Run(directory);
        first.store.restore();
        first.desired.pinReplicas("web", 2);
        first.store.flush(true);
        Run second = new Run(directory);
        second.store.restore();
        second.store.restoreAutoscaled(service -> true, Map.of("web", 5));
        assertThat(second.desired.service("web").orElseThrow().replicas()).isEqualTo(2);
        assertThat(second.desired.autoscaledReplicas("web")).isEmpty();
    }

    @Test
    void unchangedStateIsNotWrittenAgain() throws IOException {
        Path directory = temp.resolve("state");
        Run run = new Run(directory);
        run.store.restore();
        run.desired.pinReplicas("api", 2);
        run.store.flush(true);
        Path scaling = directory.resolve("scaling.json");
        var written = Files.getLastModifiedTime(scaling);
        Files.writeString(scaling, new String(Files.readAllBytes(scaling), StandardCharsets.UTF_8));
        Files.setLastModifiedTime(scaling, java.nio.file.attribute.FileTime.fromMillis(0));
        run.store.flush(true);
        assertThat(Files.getLastModifiedTime(scaling).toMillis()).isZero();
        run.desired.pinReplicas("api", 3);
        run.store.flush(true);
        assertThat(Files.getLastModifiedTime(scaling).toMillis()).isNotZero();
        assertThat(written).isNotNull();
    }
}
