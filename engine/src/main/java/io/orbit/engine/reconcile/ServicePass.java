package io.orbit.engine.reconcile;

import io.orbit.engine.health.ContainerHealth;
import io.orbit.engine.health.Durations;
import io.orbit.engine.health.ExitCause;
import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.health.HealthPolicy;
import io.orbit.engine.health.HealthState;
import io.orbit.engine.health.PodVerdict;
import io.orbit.engine.health.RestartBackoff;
import io.orbit.engine.health.RestartLedger;
import io.orbit.engine.health.SlotKey;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.PodHealthStatus;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.NotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile pass for one service: observe, plan, apply, publish. The caller guarantees that no two passes of one
 * service run at once (the {@link ReconcileQueue}), so everything here may assume it is the service's only writer.
 */
public final class ServicePass implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServicePass.class);
    /** How many pods of one service start at once; the engines serialise little, two cores do the rest. */
    static final int PARALLEL_STARTS = 4;

    private final PodObserver observer;
    private final PodLauncher launcher;
    private final StatusObserver statusObserver;
    private final StatusStore status;
    private final InstantSource clock;
    private final ReconcileMetrics metrics;
    private final ContainerRuntime runtime;
    private final HealthMonitor health;
    private final EventJournal journal;
    private final BiConsumer<String, Duration> recheck;
    private final Rollouts rollouts;
    /** One container's last reported exit: its finish time (so each exit is journalled once) and its cause. */
    private record ExitRecord(String service, Instant finishedAt, ExitCause cause) {}

    /**
     * The last exit of each container, by container id. Passes of different services share this pass object, so each
     * pass forgets only its own service's containers.
     */
    private final Map<String, ExitRecord> exits = new ConcurrentHashMap<>();
    /** Platform threads: engine calls must not run on virtual threads (see EngineHttpClient). */
    private final ExecutorService podStarts = Executors.newFixedThreadPool(
            PARALLEL_STARTS,
            Thread.ofPlatform().daemon().name("orbit-pod-start-", 0).factory());

    /**
     * @param volumes writes inline files (below {@code --volume-dir}) and creates named volumes
     * @param health probes the pods and judges them; the plan reads its verdicts
     * @param recheck asks for another pass of a service after a delay (when a back-off expires)
     */
    public ServicePass(
            ContainerRuntime runtime,
            Ownership ownership,
            StatusStore status,
            InstantSource clock,
            ReconcileMetrics metrics,
            PodDrainer drainer,
            PodVolumes volumes,
            HealthMonitor health,
            EventJournal journal,
            BiConsumer<String, Duration> recheck) {
        this.observer = new PodObserver(runtime, ownership);
        this.launcher = new PodLauncher(runtime, ownership, drainer, volumes, health::containerIpsReachable);
        this.statusObserver = new StatusObserver(runtime, observer);
        this.status = status;
        this.clock = clock;
        this.metrics = metrics;
        this.runtime = runtime;
        this.health = health;
        this.journal = journal;
        this.recheck = recheck;
        this.rollouts = new Rollouts(journal);
    }

    /** Rollouts in progress, failed specs and what each service can roll back to. */
    public Rollouts rollouts() {
        return rollouts;
    }

    /**
     * Converges the service on {@code target} (empty: remove it) and publishes its status.
     *
     * @param previousFailures failed passes in a row before this one, for the status
     * @return false when the pass failed and must be retried
     */
    public boolean run(String service, Optional<DesiredService> target, int previousFailures) {
        return run(service, target, previousFailures, List.of());
    }

    /** @param preferredVictims pods a scale-down removes first (the autoscaler's choice), see the plan */
    public boolean run(
            String service, Optional<DesiredService> target, int previousFailures, List<String> preferredVictims) {
        long started = System.nanoTime();
        Optional<String> error = Optional.empty();
        try {
            List<ObservedPod> pods = observer.observe(service, target);
            Instant now = clock.instant();
            Map<String, PodVerdict> verdicts = new HashMap<>();
            for (ObservedPod pod : pods) {
                PodVerdict verdict = health.verdict(slot(service, pod), pod.podId(), containerIds(pod));
                verdicts.put(pod.podId(), verdict);
                if (pod.isHealthy() && verdict.ready() && verdict.action().isEmpty()) {
                    health.ledger().healthy(slot(service, pod), now);
                }
            }
            target.ifPresent(desired -> reportExits(service, desired, pods));
            Optional<Instant> rolloutRecheck =
                    target.flatMap(desired -> rollouts.observe(desired, pods, verdicts, now));
            Optional<DesiredService> converging = target.map(rollouts::target);
            Plan plan = ServiceReconciler.plan(service, converging, pods, verdicts, now, preferredVictims);
            applyAll(service, converging, plan.steps());
            plan.recheckAt().ifPresent(at -> recheck.accept(service, untilThen(at)));
            rolloutRecheck.ifPresent(at -> recheck.accept(service, untilThen(at)));
            if (target.isEmpty()) {
                rollouts.forget(service);
            }
            List<ObservedPod> remaining = observer.observe(service);
            health.ledger()
                    .retain(
                            service,
                            remaining.stream().map(pod -> slot(service, pod)).collect(Collectors.toSet()));
            Set<String> stillThere = allContainerIds(remaining);
            exits.entrySet()
                    .removeIf(exit -> exit.getValue().service().equals(service) && !stillThere.contains(exit.getKey()));
            Set<String> podsWithContainers =
                    remaining.stream().map(ObservedPod::podId).collect(Collectors.toSet());
            launcher.removeLeakedPodNetworks(service, podsWithContainers);
        } catch (PodStartException | ContainerRuntimeException e) {
            error = Optional.of(Objects.requireNonNullElse(e.getMessage(), e.toString()));
            log.atError()
                    .addKeyValue("service", service)
                    .addKeyValue("failures", previousFailures + 1)
                    .log(e.getMessage());
        }
        publishStatus(service, target.map(rollouts::target), error, error.isPresent() ? previousFailures + 1 : 0);
        metrics.passFinished(service, error, Duration.ofNanos(System.nanoTime() - started));
        return error.isEmpty();
    }

    /**
     * Applies steps in order, except that a run of consecutive pod starts goes in parallel (up to {@link
     * #PARALLEL_STARTS}): starting ten pods then takes about as long as starting a few, not ten times one.
     */
    private void applyAll(String service, Optional<DesiredService> target, List<PlanStep> steps) {
        int next = 0;
        while (next < steps.size()) {
            int end = next;
            while (end < steps.size() && steps.get(end) instanceof PlanStep.StartPod) {
                end++;
            }
            if (end - next > 1) {
                startInParallel(service, target, steps.subList(next, end));
                next = end;
            } else {
                apply(service, target, steps.get(next++));
            }
        }
    }

    private void startInParallel(String service, Optional<DesiredService> target, List<PlanStep> starts) {
        List<Future<?>> running = new ArrayList<>();
        for (PlanStep start : starts) {
            running.add(podStarts.submit(() -> apply(service, target, start)));
        }
        RuntimeException failure = null;
        for (Future<?> start : running) {
            try {
                start.get();
            } catch (ExecutionException e) {
                if (failure == null && e.getCause() instanceof RuntimeException cause) {
                    failure = cause;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PodStartException("interrupted while starting pods of service '" + service + "'", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void apply(String service, Optional<DesiredService> target, PlanStep step) {
        switch (step) {
            case PlanStep.StartPod start -> {
                String pod = launcher.startPod(target.orElseThrow(), start.podNumber());
                metrics.podStarted(service, pod, start.reason());
                log.atInfo()
                        .addKeyValue("service", service)
                        .addKeyValue("pod", pod)
                        .addKeyValue("podNumber", start.podNumber())
                        .log("started pod: " + start.reason());
            }
            case PlanStep.RemovePod remove -> {
                launcher.removePod(service, remove.pod());
                metrics.podRemoved(service, remove.pod().podId(), remove.reason());
                if (remove.startupFailure()) {
                    countStartupFailure(service, target.orElseThrow(), remove);
                }
                log.atInfo()
                        .addKeyValue("service", service)
                        .addKeyValue("pod", remove.pod().podId())
                        .addKeyValue("podNumber", remove.pod().podNumber())
                        .log("removed pod: " + remove.reason());
            }
            case PlanStep.RestartContainers restart -> restart(service, restart);
        }
    }

    private void restart(String service, PlanStep.RestartContainers restart) {
        ObservedPod pod = restart.pod();
        List<String> ids =
                restart.containers().stream().map(ObservedContainer::id).toList();
        health.restarting(ids);
        statusObserver.forget(service, ids);
        launcher.restartContainers(service, pod, restart.containers(), restart.cause() == PlanStep.Cause.LIVENESS);
        String why = restart.cause() == PlanStep.Cause.LIVENESS ? restart.reason() : exitReason(pod, restart);
        RestartLedger.Outcome outcome = health.ledger().restarted(slot(service, pod), why, clock.instant());
        health.metrics()
                .restarted(service, restart.cause() == PlanStep.Cause.LIVENESS ? "liveness" : exitCause(restart));
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

    private void countStartupFailure(String service, DesiredService target, PlanStep.RemovePod remove) {
        ObservedPod pod = remove.pod();
        SlotKey slot = slot(service, pod);
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

    /** Journals each container exit once, with its cause (OOM kills reported or inferred). */
    private void reportExits(String service, DesiredService target, List<ObservedPod> pods) {
        for (ObservedPod pod : pods) {
            for (ObservedContainer container : pod.containers()) {
                if (container.isRunning() || pod.origin() == ObservedPod.Origin.ORPHAN) {
                    continue;
                }
                ContainerDetails details;
                try {
                    details = runtime.inspectContainer(container.id());
                } catch (NotFoundException gone) {
                    continue;
                }
                Instant finished = details.finishedAt().orElse(Instant.EPOCH);
                ExitRecord known = exits.get(container.id());
                if (known != null && known.finishedAt().equals(finished)) {
                    continue;
                }
                long memoryLimit = target.definition().containers().stream()
                        .filter(definition -> definition.name().equals(container.containerName()))
                        .mapToLong(definition -> definition.memoryBytes())
                        .findFirst()
                        .orElse(0);
                ExitCause cause = ExitCause.of(details, memoryLimit);
                exits.put(container.id(), new ExitRecord(service, finished, cause));
                String message = "container '%s' of pod %d %s"
                        .formatted(container.containerName(), pod.podNumber(), cause.description());
                if (cause.oomKilled()) {
                    health.metrics().oomKilled(service, cause.inferred());
                }
                log.atWarn()
                        .addKeyValue("service", service)
                        .addKeyValue("pod", pod.podId())
                        .log(message);
                journal.record(
                        cause.oomKilled() ? "oom-killed" : "container-exited",
                        Optional.of(service),
                        Optional.of(pod.podId()),
                        message);
            }
        }
    }

    /** Health's view of a pod for {@code /status}: phase, restarts, and each probed container's run. */
    private PodHealthStatus podHealth(String service, PodStatus pod) {
        SlotKey slot = new SlotKey(service, pod.podNumber(), pod.configHash());
        Optional<RestartLedger.Record> record = health.ledger().record(slot);
        Map<String, PodHealthStatus.ContainerHealthStatus> containers = new HashMap<>();
        boolean starting = false;
        boolean unhealthy = false;
        for (ContainerStatus container : pod.containers()) {
            Optional<ExitCause> exit = lastExit(container.id());
            Optional<ContainerHealth.Snapshot> run = health.health(container.id());
            if (run.isEmpty() && exit.isEmpty()) {
                continue;
            }
            run.ifPresent(snapshot -> containers.put(
                    container.id(),
                    new PodHealthStatus.ContainerHealthStatus(
                            snapshot.state().orbitName(),
                            snapshot.lastState().map(HealthState::orbitName),
                            snapshot.lastTransition(),
                            snapshot.failureCount(),
                            snapshot.lastFailure(),
                            snapshot.message(),
                            exit.map(ExitCause::description))));
            if (run.isEmpty()) {
                containers.put(
                        container.id(),
                        new PodHealthStatus.ContainerHealthStatus(
                                container.state().isRunning() ? "Healthy" : "Failed",
                                Optional.empty(),
                                container.startedAt().orElse(Instant.EPOCH),
                                0,
                                Optional.empty(),
                                Optional.empty(),
                                exit.map(ExitCause::description)));
            }
            HealthState state = run.map(ContainerHealth.Snapshot::state).orElse(HealthState.HEALTHY);
            starting |= state == HealthState.STARTING;
            unhealthy |= state == HealthState.UNHEALTHY || state == HealthState.FAILED;
        }
        Instant now = clock.instant();
        Optional<Instant> nextRestart =
                record.map(RestartLedger.Record::nextRestartAllowed).filter(at -> at.isAfter(now));
        boolean looping = record.map(RestartLedger.Record::crashLoop).orElse(false);
        String phase;
        if (looping) {
            phase = "CrashLoop";
        } else if (pod.problem().isPresent()) {
            phase = nextRestart.isPresent() ? "BackOff" : "Down";
        } else if (unhealthy) {
            phase = "Unhealthy";
        } else if (starting) {
            phase = "Starting";
        } else {
            phase = "Ready";
        }
        return new PodHealthStatus(
                phase,
                record.map(RestartLedger.Record::restartCount).orElse(0),
                record.flatMap(RestartLedger.Record::lastRestart),
                record.flatMap(RestartLedger.Record::lastReason),
                nextRestart,
                containers);
    }

    /** Why a container last exited, for {@code /status}. */
    public Optional<ExitCause> lastExit(String containerId) {
        return Optional.ofNullable(exits.get(containerId)).map(ExitRecord::cause);
    }

    private String exitReason(ObservedPod pod, PlanStep.RestartContainers restart) {
        return restart.containers().stream()
                .map(container -> "container '" + container.containerName() + "' "
                        + lastExit(container.id()).map(ExitCause::description).orElse("exited"))
                .collect(Collectors.joining("; "));
    }

    private String exitCause(PlanStep.RestartContainers restart) {
        return restart.containers().stream()
                        .map(container -> lastExit(container.id()))
                        .anyMatch(cause -> cause.map(ExitCause::oomKilled).orElse(false))
                ? "oom"
                : "exited";
    }

    private Duration untilThen(Instant at) {
        Duration wait = Duration.between(clock.instant(), at);
        // a moment past the instant, so the pass that wakes up finds the back-off expired
        return (wait.isNegative() ? Duration.ZERO : wait).plusMillis(20);
    }

    private static SlotKey slot(String service, ObservedPod pod) {
        return new SlotKey(service, pod.podNumber(), pod.configHash());
    }

    private static List<String> containerIds(ObservedPod pod) {
        return pod.containers().stream().map(ObservedContainer::id).toList();
    }

    private static Set<String> allContainerIds(List<ObservedPod> pods) {
        return pods.stream()
                .flatMap(pod -> pod.containers().stream())
                .map(ObservedContainer::id)
                .collect(Collectors.toSet());
    }

    /**
     * Publishes the status of a service the daemon leaves alone because its file is broken: its pods as they run,
     * and why in {@code last_error}, so {@code orbit status} and {@code /status} show it instead of nothing.
     */
    public void publishKept(String service, String why) {
        publishStatus(service, Optional.empty(), Optional.of(why), 0);
    }

    private void publishStatus(String service, Optional<DesiredService> target, Optional<String> error, int failures) {
        try {
            List<PodStatus> pods = statusObserver.observe(service, target).stream()
                    .map(pod -> pod.withHealth(podHealth(service, pod)))
                    .toList();
            if (target.isEmpty() && pods.isEmpty()) {
                status.remove(service);
                return;
            }
            status.put(new ServiceStatus(service, target, pods, error, failures, clock.instant()));
        } catch (ContainerRuntimeException e) {
            log.atWarn().addKeyValue("service", service).log("cannot observe status: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        podStarts.shutdown();
    }
}
