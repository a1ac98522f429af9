package io.orbit.engine.reconcile;

import io.orbit.engine.health.Durations;
import io.orbit.engine.health.ExitCause;
import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.health.HealthPolicy;
import io.orbit.engine.health.RestartBackoff;
import io.orbit.engine.health.RestartLedger;
import io.orbit.engine.health.SlotKey;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.state.DesiredService;
import java.time.InstantSource;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the executor records once a restart step is applied: the slot's restart in health's ledger (its count and
 * next back-off are known only then), the metrics, the journal entry and log line, and a crash loop it starts.
 */
record RestartReports(HealthMonitor health, ExitRecords exits, EventJournal journal, InstantSource clock) {

    private static final Logger log = LoggerFactory.getLogger(RestartReports.class);

    void restarted(String service, PlanStep.RestartContainers restart) {
        ObservedPod pod = restart.pod();
        boolean liveness = restart.cause() == PlanStep.Cause.LIVENESS;
        String why = liveness ? restart.reason() : exitReason(restart);
        RestartLedger.Outcome outcome =
                health.ledger().restarted(PassObserver.slot(service, pod), why, clock.instant());
        health.metrics().restarted(service, liveness ? "liveness" : exitCause(restart));
        String names = restart.containers().stream()
                .map(container -> "'" + container.containerName() + "'")
                .collect(Collectors.joining(", "));
        String message =
                "restarted container %s of pod %d (restart %d of this slot): %s; next restart no sooner than %s later"
                        .formatted(
                                names,
                                pod.podNumber(),
                                outcome.restartCount(),
                                why,
                                Durations.human(outcome.nextDelay()));
        log.atInfo()
                .addKeyValue("service", service)
                .addKeyValue("pod", pod.podId())
                .log(message);
        journal.record("container-restarted", Optional.of(service), Optional.of(pod.podId()), message);
        if (outcome.enteredCrashLoop()) {
            enteredCrashLoop(service, pod);
        }
    }

    /** A pod replaced because it never became ready counts as a restart of its slot. */
    void replaced(String service, DesiredService target, PlanStep.RemovePod remove) {
        ObservedPod pod = remove.pod();
        SlotKey slot = PassObserver.slot(service, pod);
        RestartLedger.Outcome outcome = health.ledger().restarted(slot, remove.reason(), clock.instant());
        health.metrics().restarted(service, "startup");
        int threshold = target.definition().containers().stream()
                .map(container -> HealthPolicy.cachedOf(container.template().healthCheck()))
                .flatMap(Optional::stream)
                .filter(HealthPolicy::hasStartupPhase)
                .mapToInt(HealthPolicy::startupFailureThreshold)
                .min()
                .orElse(0);
        boolean looping = health.ledger().startupFailed(slot, threshold, clock.instant()) || outcome.enteredCrashLoop();
        String message = "replaced pod %d (replacement %d of this slot): %s"
                .formatted(pod.podNumber(), outcome.restartCount(), remove.reason());
        journal.record("pod-replaced", Optional.of(service), Optional.of(pod.podId()), message);
        if (looping) {
            enteredCrashLoop(service, pod);
        }
    }

    private void enteredCrashLoop(String service, ObservedPod pod) {
        RestartBackoff backoff = health.ledger().backoff();
        String message = ("pod %d is crash-looping: it is retried only every %s now, and other pods (up to max) serve"
                        + " meanwhile; fix the cause (see its logs: orbit logs %s) or change the spec to reset it")
                .formatted(pod.podNumber(), Durations.human(backoff.cap()), service);
        log.atWarn()
                .addKeyValue("service", service)
                .addKeyValue("pod", pod.podId())
                .log(message);
        journal.record("crash-loop", Optional.of(service), Optional.of(pod.podId()), message);
        health.metrics().crashLoop(service);
    }

    private String exitReason(PlanStep.RestartContainers restart) {
        return restart.containers().stream()
                .map(container -> "container '" + container.containerName() + "' "
                        + exits.lastExit(container.id())
                                .map(ExitCause::description)
                                .orElse("exited"))
                .collect(Collectors.joining("; "));
    }

    private String exitCause(PlanStep.RestartContainers restart) {
        return restart.containers().stream()
                        .map(container -> exits.lastExit(container.id()))
                        .anyMatch(cause -> cause.map(ExitCause::oomKilled).orElse(false))
                ? "oom"
                : "exited";
    }
}
