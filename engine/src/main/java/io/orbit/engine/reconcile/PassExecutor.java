package io.orbit.engine.reconcile;

import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.netlimit.NetworkLimitEnforcer;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodStartException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The third part of a pass: applies a {@link Plan}'s steps in order, with no decisions of its own, except that a run of
 * consecutive pod starts goes in parallel on a bounded pool (up to {@link #PARALLEL_STARTS}): starting ten pods then
 * takes about as long as starting a few, not ten times one. The first failing step fails the pass; the steps after it
 * wait for the next pass. The pool is given ({@link #podStartPool}): its creator shuts it down.
 */
record PassExecutor(
        PodLauncher launcher,
        StatusObserver statusObserver,
        HealthMonitor health,
        ExitRecords exits,
        RestartReports restarts,
        @Nullable NetworkLimitEnforcer networkLimits,
        ReconcileMetrics metrics,
        EventJournal journal,
        ExecutorService podStarts) {

    private static final Logger log = LoggerFactory.getLogger(PassExecutor.class);
    /** How many pods of one service start at once; the engines serialise little, two cores do the rest. */
    static final int PARALLEL_STARTS = 4;

    /**
     * The bounded pool a run of pod starts goes on; whoever calls this owns the pool and shuts it down. Platform
     * threads: engine calls must not run on virtual threads (see EngineHttpClient).
     */
    static ExecutorService podStartPool() {
        return Executors.newFixedThreadPool(
                PARALLEL_STARTS,
                Thread.ofPlatform().daemon().name("orbit-pod-start-", 0).factory());
    }

    /** @param target the spec the plan converges on, for the pods it starts */
    void execute(Plan plan, Optional<DesiredService> target) {
        List<PlanStep> steps = plan.steps();
        int next = 0;
        while (next < steps.size()) {
            int end = next;
            while (end < steps.size() && steps.get(end) instanceof PlanStep.StartPod) {
                end++;
            }
            if (end - next > 1) {
                startInParallel(plan.service(), target, steps.subList(next, end));
                next = end;
            } else {
                apply(plan.service(), target, steps.get(next++));
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
            case PlanStep.StartPod start -> start(service, target.orElseThrow(), start);
            case PlanStep.RefuseStart refuse -> throw new PodStartException(refuse.reason(), null);
            case PlanStep.RemovePod remove -> remove(service, target, remove);
            case PlanStep.RestartContainers restart -> restart(service, restart);
            case PlanStep.LimitNetwork limit -> limit(limit.container().id());
            case PlanStep.ReportExit report -> reportExit(service, report.exit());
            case PlanStep.Note note -> note(service, note);
        }
    }

    private void start(String service, DesiredService target, PlanStep.StartPod start) {
        PodLauncher.StartedPod pod = launcher.startPod(target, start.podNumber());
        // before the pod is published, so it never takes traffic unlimited
        start.networkLimits().keySet().forEach(name -> limit(pod.containerIds().get(name)));
        metrics.podStarted(service, pod.podId(), start.reason());
        log.atInfo()
                .addKeyValue("service", service)
                .addKeyValue("pod", pod.podId())
                .addKeyValue("podNumber", start.podNumber())
                .log("started pod: " + start.reason());
    }

    private void remove(String service, Optional<DesiredService> target, PlanStep.RemovePod remove) {
        launcher.removePod(service, remove.pod());
        if (networkLimits != null) {
            remove.pod().containers().forEach(container -> networkLimits.forget(container.id()));
        }
        metrics.podRemoved(service, remove.pod().podId(), remove.reason());
        if (remove.startupFailure()) {
            restarts.replaced(service, target.orElseThrow(), remove);
        }
        log.atInfo()
                .addKeyValue("service", service)
                .addKeyValue("pod", remove.pod().podId())
                .addKeyValue("podNumber", remove.pod().podNumber())
                .log("removed pod: " + remove.reason());
    }

    private void restart(String service, PlanStep.RestartContainers restart) {
        List<String> ids =
                restart.containers().stream().map(ObservedContainer::id).toList();
        health.restarting(ids);
        statusObserver.forget(service, ids);
        launcher.restartContainers(
                service, restart.pod(), restart.containers(), restart.cause() == PlanStep.Cause.LIVENESS);
        restarts.restarted(service, restart);
    }

    /** Never fails the pass: a limit that cannot be applied is reported by the enforcer and the container runs on. */
    private void limit(@Nullable String containerId) {
        if (networkLimits != null && containerId != null) {
            networkLimits.afterStart(containerId);
        }
    }

    private void reportExit(String service, Observation.ContainerExit exit) {
        exits.record(service, exit);
        if (exit.cause().oomKilled()) {
            health.metrics().oomKilled(service, exit.cause().inferred());
        }
        log.atWarn()
                .addKeyValue("service", service)
                .addKeyValue("pod", exit.pod().podId())
                .log(exit.describe());
        journal.record(
                exit.cause().oomKilled() ? "oom-killed" : "container-exited",
                Optional.of(service),
                Optional.of(exit.pod().podId()),
                exit.describe());
    }

    private void note(String service, PlanStep.Note note) {
        if (note.warning()) {
            log.atWarn().addKeyValue("service", service).log(note.reason());
        } else {
            log.atInfo().addKeyValue("service", service).log(note.reason());
        }
        journal.record(note.kind(), Optional.of(service), note.podId(), note.reason());
    }
}
