package io.orbit.engine.reconcile;

import io.orbit.engine.health.PodVerdict;
import io.orbit.engine.state.DesiredService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Sorts the observed pods of a defined service, lowest slot first: the ones that serve, the ones that recover (their
 * restart is planned or waits for its back-off), the crash-looping ones, and the steps for those that must go or be
 * restarted. Filled once by one plan, then read by the scale and rollout policies.
 */
final class Triage {

    private final DesiredService target;
    private final Map<String, PodVerdict> verdicts;
    private final Instant now;
    private final List<PlanStep> steps = new ArrayList<>();
    private final List<ObservedPod> serving = new ArrayList<>();
    private final List<ObservedPod> recovering = new ArrayList<>();
    private final List<ObservedPod> looping = new ArrayList<>();
    private @Nullable Instant recheckAt;

    Triage(DesiredService target, Map<String, PodVerdict> verdicts, Instant now) {
        this.target = target;
        this.verdicts = verdicts;
        this.now = now;
    }

    void add(ObservedPod pod) {
        Optional<PlanStep> removal =
                OrphanPolicy.unlabelled(pod).or(() -> RestartPolicy.incomplete(pod, target.podSize()));
        if (removal.isPresent()) {
            steps.add(removal.get());
            return;
        }
        PodVerdict verdict = verdicts.getOrDefault(pod.podId(), PodVerdict.FINE);
        List<ObservedContainer> exited = pod.containers().stream()
                .filter(container -> !container.isRunning())
                .toList();
        if (exited.isEmpty() && verdict.action().isEmpty()) {
            serving.add(pod);
            return;
        }
        RestartPolicy.Decision decision = RestartPolicy.decide(target, pod, verdict, exited, now);
        decision.step().ifPresent(steps::add);
        if (decision.stays()) {
            (verdict.crashLoop() ? looping : recovering).add(pod);
        }
        decision.waitUntil().ifPresent(at -> recheckAt = recheckAt == null || at.isBefore(recheckAt) ? at : recheckAt);
    }

    List<PlanStep> steps() {
        return steps;
    }

    /** Pods that run and pass their checks, outdated ones included. */
    List<ObservedPod> serving() {
        return serving;
    }

    /** Pods in trouble that count as running: they are restarted now or when their back-off allows. */
    List<ObservedPod> recovering() {
        return recovering;
    }

    /** Crash-looping pods: kept while they fit, retried at the back-off cap, not counted as running. */
    List<ObservedPod> looping() {
        return looping;
    }

    Optional<Instant> recheckAt() {
        return Optional.ofNullable(recheckAt);
    }
}
