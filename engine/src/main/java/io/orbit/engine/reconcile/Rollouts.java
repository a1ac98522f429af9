package io.orbit.engine.reconcile;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.health.Durations;
import io.orbit.engine.health.PodVerdict;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.Units;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodTemplateHash;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.jspecify.annotations.Nullable;

/**
 * What each service is rolling out, and what it can roll back to. A pass reports what it observes ({@link #observe});
 * the plan then converges on {@link #target}: the desired spec, or — after that spec failed — the last spec that ran
 * well. A spec fails when one of its new pods exits, fails its health checks, or is not ready within {@code
 * rolling_update_config.timeout}, during the rollout or the monitor window after it. Its pods are then removed while
 * the old pods, never stopped before the new ones were ready, keep serving; the failed spec is not tried again until
 * the service file changes it (or {@code orbit rollout retry}). A new pod a previous daemon left behind (found at this
 * daemon's first pass) fails it only by the timeout until this daemon has seen it running whole: a daemon killed
 * between the steps of a pod start leaves a pod incomplete or a container exited, which is the crash's doing, not the
 * spec's.
 *
 * <p>The known-good and failed specs are kept across a daemon restart by the state store ({@link #export}, {@link
 * #restore}); without kept state the first spec seen fully running and ready is the known-good one.
 * Thread-safety: one pass per service at a time (the queue); the API reads snapshots.
 *
 * <p>Over 300 lines because it is one state machine over one record per service (observe, undo, retry, status); its
 * transitions read best side by side.
 */
public final class Rollouts {

    /** Without a {@code rolling_update_config}, as Orbit. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    /** After the last old pod is gone, new pods are watched this long (at most) before their spec counts as good. */
    static final Duration MAX_MONITOR_WINDOW = Duration.ofSeconds(30);

    private static final int HISTORY = 5;

    /** Where a service's rollout stands. */
    public enum Phase {
        /** Every pod runs the desired spec and is ready. */
        COMPLETE,
        /** Pods are being replaced, or the new ones are watched for the monitor window. */
        PROGRESSING,
        /** The desired spec failed; the previous one runs (or is being brought back). */
        ROLLED_BACK
    }

    /** {@code orbit rollout status}. */
    public record Status(
            String service,
            Phase phase,
            String desiredHash,
            Optional<String> runningHash,
            int updated,
            int ready,
            int wanted,
            Optional<Instant> startedAt,
            String message) {}

    private static final class Record {
        // Concurrent: the state store's thread copies them while a pass changes them.
        final Deque<DesiredService> good = new ConcurrentLinkedDeque<>();
        final Set<String> failed = ConcurrentHashMap.newKeySet();
        final Map<String, Instant> firstSeen = new HashMap<>();
        /**
         * Pods that were already there at this daemon's first pass of the service and not seen running whole since:
         * started (perhaps half-way) by an earlier daemon. A killed daemon leaves a pod incomplete, or a container
         * whose start it was waiting for exited; that says nothing about the spec, so such a pod fails a rollout only
         * by its timeout until this daemon has seen it run.
         */
        final Set<String> inherited = new java.util.HashSet<>();

        boolean passedOnce;

        @Nullable
        String rollingTo;

        @Nullable
        Instant startedAt;

        @Nullable
        Instant monitorUntil;

        @Nullable
        Status status;

        @Nullable
        DesiredService lastGood() {
            return good.peekFirst();
        }
    }

    private final EventJournal journal;
    private final Map<String, Record> records = new ConcurrentHashMap<>();

    public Rollouts(EventJournal journal) {
        this.journal = journal;
    }

    /** The spec a pass converges on: the desired one, unless it failed and a good one is known. */
    public DesiredService target(DesiredService desired) {
        Record record = records.get(desired.name());
        if (record == null || !record.failed.contains(desired.configHash())) {
            return desired;
        }
        DesiredService good = record.lastGood();
        if (good == null) {
            return desired;
        }
        return new DesiredService(
                good.definition(),
                PodTemplateHash.rollbackTarget(good.configHash(), desired.configHash()),
                desired.replicas());
    }

    /**
     * What a pass learnt of the service's rollout: the spec it converges on, when to look again (the end of a monitor
     * window or of a readiness timeout), and the journal entries the pass writes for it.
     */
    public record Progress(DesiredService target, Optional<Instant> recheckAt, List<PlanStep.Note> notes) {
        public Progress {
            requireNonNull(target, "target is null");
            requireNonNull(recheckAt, "recheckAt is null");
            notes = List.copyOf(notes);
        }
    }

    /** One pass's view of the rollout: the pods of the target spec and how many of them are ready. */
    private record Seen(
            DesiredService desired,
            DesiredService target,
            boolean rollingBack,
            List<ObservedPod> updated,
            long others,
            long ready) {

        boolean converged() {
            return others == 0 && ready >= target.replicas();
        }

        String service() {
            return desired.name();
        }
    }

    /**
     * Updates the service's rollout from what a pass observed, before it plans. May fail the desired spec (then
     * {@link #target} turns to the last good one) or record it as good.
     */
    public Progress observe(
            DesiredService desired, List<ObservedPod> pods, Map<String, PodVerdict> verdicts, Instant now) {
        Record record = records.computeIfAbsent(desired.name(), key -> new Record());
        if (!record.passedOnce) {
            pods.forEach(pod -> record.inherited.add(pod.podId()));
            record.passedOnce = true;
        }
        List<PlanStep.Note> notes = new ArrayList<>();
        Optional<Instant> recheck = advance(record, see(desired, pods, verdicts), verdicts, now, notes);
        return new Progress(target(desired), recheck, notes);
    }

    private Seen see(DesiredService desired, List<ObservedPod> pods, Map<String, PodVerdict> verdicts) {
        DesiredService target = target(desired);
        List<ObservedPod> ours = pods.stream()
                .filter(pod -> pod.origin() != ObservedPod.Origin.ORPHAN)
                .toList();
        List<ObservedPod> updated = ours.stream()
                .filter(pod -> PodTemplateHash.matches(pod.configHash(), target.configHash()))
                .toList();
        long ready = updated.stream()
                .filter(pod -> pod.isHealthy()
                        && verdicts.getOrDefault(pod.podId(), PodVerdict.FINE).ready())
                .count();
        boolean rollingBack = !target.configHash().equals(desired.configHash());
        return new Seen(desired, target, rollingBack, updated, ours.size() - updated.size(), ready);
    }

    private Optional<Instant> advance(
            Record record, Seen seen, Map<String, PodVerdict> verdicts, Instant now, List<PlanStep.Note> notes) {
        DesiredService desired = seen.desired();
        DesiredService good = record.lastGood();
        if (good == null && seen.converged()) {
            remember(record, seen.target());
            record.status = status(seen, Phase.COMPLETE, null, "running");
            return Optional.empty();
        }
        if (!seen.rollingBack() && good != null && !good.configHash().equals(desired.configHash())) {
            Optional<String> failure = failure(desired, seen.updated(), verdicts, record, now);
            if (failure.isPresent()) {
                notes.add(fail(record, desired, good, failure.get()));
                return Optional.empty();
            }
        }
        if (!seen.converged()) {
            return progressing(record, seen, good, now, notes);
        }
        // Converged on the target: watch the new pods for the monitor window before calling their spec good.
        if (record.rollingTo != null
                && !seen.rollingBack()
                && good != null
                && !good.configHash().equals(seen.target().configHash())) {
            Optional<Instant> watching = monitoring(record, seen, now);
            if (watching.isPresent()) {
                return watching;
            }
        }
        complete(record, seen, now, notes);
        return Optional.empty();
    }

    /** Not converged: notes a rollout that starts, and says when the earliest new pod's readiness timeout ends. */
    private Optional<Instant> progressing(
            Record record, Seen seen, @Nullable DesiredService good, Instant now, List<PlanStep.Note> notes) {
        DesiredService target = seen.target();
        if (seen.others() > 0 && !target.configHash().equals(record.rollingTo)) {
            // A rollout replaces pods of another spec; a pod of this spec that is merely not ready (restarting,
            // starting) is the health ladder's business, not a rollout.
            record.rollingTo = target.configHash();
            record.startedAt = now;
            record.monitorUntil = null;
            String message = (seen.rollingBack()
                                    ? "rolling back to spec %s on %d pod(s), replacing %d"
                                    : "rolling out spec %s to %d pod(s), replacing %d")
                            .formatted(target.configHash(), target.replicas(), seen.others())
                    + " (max_surge %d, max_unavailable %d, timeout %s)"
                            .formatted(maxSurge(target), maxUnavailable(target), Durations.human(timeout(target)))
                    + (good == null && !seen.rollingBack() ? "; no known-good spec yet, so no automatic rollback" : "");
            notes.add(new PlanStep.Note("rollout-started", Optional.empty(), message, false));
        }
        record.status = status(
                seen,
                seen.rollingBack() ? Phase.ROLLED_BACK : Phase.PROGRESSING,
                record.startedAt,
                seen.rollingBack()
                        ? "spec %s failed; rolling back to %s"
                                .formatted(seen.desired().configHash(), target.configHash())
                        : "%d of %d pods on spec %s, %d ready"
                                .formatted(
                                        seen.updated().size(), target.replicas(), target.configHash(), seen.ready()));
        return seen.updated().stream()
                .map(pod -> record.firstSeen.get(pod.podId()))
                .filter(java.util.Objects::nonNull)
                .map(first -> first.plus(timeout(target)))
                .filter(deadline -> deadline.isAfter(now))
                .min(Instant::compareTo);
    }

    /** Converged on a new spec: the end of its monitor window while it lasts, empty once it is over. */
    private Optional<Instant> monitoring(Record record, Seen seen, Instant now) {
        DesiredService target = seen.target();
        if (record.monitorUntil == null) {
            Duration window = timeout(target).compareTo(MAX_MONITOR_WINDOW) < 0 ? timeout(target) : MAX_MONITOR_WINDOW;
            record.monitorUntil = now.plus(window);
        }
        Instant until = record.monitorUntil;
        if (!now.isBefore(until)) {
            return Optional.empty();
        }
        record.status = status(
                seen,
                Phase.PROGRESSING,
                record.startedAt,
                "all pods on spec %s and ready; watching them until %s".formatted(target.configHash(), until));
        return Optional.of(until);
    }

    /** Converged, and watched long enough: the rollout (or rollback) is over. */
    private void complete(Record record, Seen seen, Instant now, List<PlanStep.Note> notes) {
        DesiredService target = seen.target();
        String desiredHash = seen.desired().configHash();
        if (record.rollingTo != null) {
            Duration took = record.startedAt == null ? Duration.ZERO : Duration.between(record.startedAt, now);
            String message = (seen.rollingBack()
                            ? "rolled back to spec %s in %s: %d pod(s) ready; spec %s stays failed until the file changes or 'orbit rollout retry %s'"
                            : "rolled out spec %s in %s: %d pod(s) ready")
                    .formatted(target.configHash(), Durations.human(took), seen.ready(), desiredHash, seen.service());
            notes.add(new PlanStep.Note(
                    seen.rollingBack() ? "rollback-complete" : "rollout-complete", Optional.empty(), message, false));
        }
        record.rollingTo = null;
        record.monitorUntil = null;
        record.firstSeen.clear();
        record.inherited.clear();
        if (!seen.rollingBack()) {
            remember(record, target);
        }
        record.status = status(
                seen,
                seen.rollingBack() ? Phase.ROLLED_BACK : Phase.COMPLETE,
                null,
                seen.rollingBack()
                        ? "spec %s failed; spec %s runs".formatted(desiredHash, target.configHash())
                        : "all %d pod(s) on spec %s and ready"
                                .formatted(seen.updated().size(), target.configHash()));
    }

    private Optional<String> failure(
            DesiredService desired,
            List<ObservedPod> updated,
            Map<String, PodVerdict> verdicts,
            Record record,
            Instant now) {
        for (ObservedPod pod : updated) {
            Instant seen = record.firstSeen.computeIfAbsent(pod.podId(), id -> now);
            PodVerdict verdict = verdicts.getOrDefault(pod.podId(), PodVerdict.FINE);
            String name = "new pod " + pod.podNumber();
            if (pod.isHealthy()) {
                record.inherited.remove(pod.podId()); // running whole now: from here on its exits are the spec's
            }
            boolean ours = !record.inherited.contains(pod.podId());
            if (ours && pod.problem().isPresent()) {
                return Optional.of(name + " " + pod.problem().get());
            }
            if (ours && verdict.action().isPresent()) {
                return Optional.of(name + ": " + verdict.action().get().reason());
            }
            if (!verdict.ready() && !now.isBefore(seen.plus(timeout(desired)))) {
                return Optional.of(name + " not ready within the rollout timeout " + Durations.human(timeout(desired)));
            }
        }
        return Optional.empty();
    }

    private static PlanStep.Note fail(Record record, DesiredService desired, DesiredService good, String failure) {
        record.failed.add(desired.configHash());
        record.firstSeen.clear();
        record.rollingTo = null;
        record.monitorUntil = null;
        String message =
                "rollout of spec %s failed: %s; rolling back to spec %s: the new pods are removed, the old ones keep running; spec %s is not tried again until the file changes it (or 'orbit rollout retry %s')"
                        .formatted(
                                desired.configHash(), failure, good.configHash(), desired.configHash(), desired.name());
        return new PlanStep.Note("rollout-failed", Optional.empty(), message, true);
    }

    private static void remember(Record record, DesiredService good) {
        DesiredService last = record.lastGood();
        if (last != null && last.configHash().equals(good.configHash())) {
            record.good.removeFirst();
        }
        record.good.addFirst(good);
        while (record.good.size() > HISTORY) {
            record.good.removeLast();
        }
        record.failed.remove(good.configHash());
    }

    /**
     * What the state store keeps of a service: its known-good specs (newest first) and its failed spec hashes.
     */
    public record Kept(String service, List<DesiredService> good, Set<String> failed) {
        public Kept {
            requireNonNull(service, "service is null");
            good = List.copyOf(good);
            failed = Set.copyOf(failed);
        }
    }

    /** Every service's known-good and failed specs (for the state store). */
    public List<Kept> export() {
        List<Kept> kept = new ArrayList<>();
        records.forEach((service, record) -> {
            if (!record.good.isEmpty() || !record.failed.isEmpty()) {
                kept.add(new Kept(service, List.copyOf(record.good), Set.copyOf(record.failed)));
            }
        });
        return kept;
    }

    /** Takes back what a previous run kept, for a service not seen since the start. */
    public void restore(Kept kept) {
        Record record = new Record();
        kept.good().stream().limit(HISTORY).forEach(record.good::addLast);
        record.failed.addAll(kept.failed());
        records.putIfAbsent(kept.service(), record);
    }

    /** Forgets a service that is no longer defined. */
    public void forget(String service) {
        records.remove(service);
    }

    public Optional<Status> status(String service) {
        return Optional.ofNullable(records.get(service)).map(record -> record.status);
    }

    /**
     * {@code orbit rollout undo}: marks the desired spec failed so the service returns to the previous good one.
     *
     * @return what happens, for the caller
     * @throws IllegalStateException when there is no other good spec to return to
     */
    public String undo(DesiredService desired) {
        Record record = records.computeIfAbsent(desired.name(), key -> new Record());
        synchronized (record) {
            DesiredService previous = record.good.stream()
                    .filter(good -> !good.configHash().equals(desired.configHash()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no earlier spec of '" + desired.name()
                            + "' ran well since the daemon started; there is nothing to roll back to"));
            record.good.removeIf(good -> good.configHash().equals(desired.configHash()));
            record.failed.add(desired.configHash());
            record.rollingTo = null;
            String message =
                    "rolling back from spec %s to spec %s (orbit rollout undo); spec %s is not tried again until the file changes it or 'orbit rollout retry %s'"
                            .formatted(
                                    desired.configHash(), previous.configHash(), desired.configHash(), desired.name());
            journal.record("rollout-undo", Optional.of(desired.name()), Optional.empty(), message);
            return message;
        }
    }

    /** {@code orbit rollout retry}: tries the desired spec again although it failed. */
    public String retry(DesiredService desired) {
        Record record = records.get(desired.name());
        if (record == null || !record.failed.remove(desired.configHash())) {
            return "spec %s of '%s' has not failed; nothing to retry".formatted(desired.configHash(), desired.name());
        }
        record.rollingTo = null;
        String message = "retrying spec %s of '%s'".formatted(desired.configHash(), desired.name());
        journal.record("rollout-retry", Optional.of(desired.name()), Optional.empty(), message);
        return message;
    }

    private static Status status(Seen seen, Phase phase, @Nullable Instant startedAt, String message) {
        return new Status(
                seen.service(),
                phase,
                seen.desired().configHash(),
                Optional.of(seen.target().configHash()),
                seen.updated().size(),
                (int) seen.ready(),
                seen.target().replicas(),
                Optional.ofNullable(startedAt),
                message);
    }

    static int maxSurge(DesiredService service) {
        ServiceSpec.RollingUpdateConfig config = service.definition().spec().rollingUpdateConfig();
        return config == null || config.maxSurge() == null ? 1 : config.maxSurge();
    }

    static int maxUnavailable(DesiredService service) {
        ServiceSpec.RollingUpdateConfig config = service.definition().spec().rollingUpdateConfig();
        return config == null || config.maxUnavailable() == null ? 1 : config.maxUnavailable();
    }

    static Duration timeout(DesiredService service) {
        ServiceSpec.RollingUpdateConfig config = service.definition().spec().rollingUpdateConfig();
        return config == null ? DEFAULT_TIMEOUT : Units.duration(config.timeout());
    }
}
