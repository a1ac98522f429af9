package io.orbit.engine.reconcile;

import io.orbit.engine.naming.Ownership;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    /** Platform threads: engine calls must not run on virtual threads (see EngineHttpClient). */
    private final ExecutorService podStarts = Executors.newFixedThreadPool(
            PARALLEL_STARTS,
            Thread.ofPlatform().daemon().name("orbit-pod-start-", 0).factory());

    public ServicePass(
            ContainerRuntime runtime,
            Ownership ownership,
            StatusStore status,
            InstantSource clock,
            ReconcileMetrics metrics,
            PodDrainer drainer) {
        this(
                runtime,
                ownership,
                status,
                clock,
                metrics,
                drainer,
                new PodVolumes(runtime, ownership, java.nio.file.Path.of("volumes"), clock));
    }

    /** @param volumes writes inline files (below {@code --volume-dir}) and creates named volumes */
    public ServicePass(
            ContainerRuntime runtime,
            Ownership ownership,
            StatusStore status,
            InstantSource clock,
            ReconcileMetrics metrics,
            PodDrainer drainer,
            PodVolumes volumes) {
        this.observer = new PodObserver(runtime, ownership);
        this.launcher = new PodLauncher(runtime, ownership, drainer, volumes);
        this.statusObserver = new StatusObserver(runtime, observer);
        this.status = status;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Converges the service on {@code target} (empty: remove it) and publishes its status.
     *
     * @param previousFailures failed passes in a row before this one, for the status
     * @return false when the pass failed and must be retried
     */
    public boolean run(String service, Optional<DesiredService> target, int previousFailures) {
        long started = System.nanoTime();
        Optional<String> error = Optional.empty();
        try {
            List<ObservedPod> pods = observer.observe(service, target);
            applyAll(
                    service,
                    target,
                    ServiceReconciler.plan(service, target, pods).steps());
            Set<String> podsWithContainers =
                    observer.observe(service).stream().map(ObservedPod::podId).collect(Collectors.toSet());
            launcher.removeLeakedPodNetworks(service, podsWithContainers);
        } catch (PodStartException | ContainerRuntimeException e) {
            error = Optional.of(e.getMessage());
            log.atError()
                    .addKeyValue("service", service)
                    .addKeyValue("failures", previousFailures + 1)
                    .log(e.getMessage());
        }
        publishStatus(service, target, error, error.isPresent() ? previousFailures + 1 : 0);
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
                log.atInfo()
                        .addKeyValue("service", service)
                        .addKeyValue("pod", remove.pod().podId())
                        .addKeyValue("podNumber", remove.pod().podNumber())
                        .log("removed pod: " + remove.reason());
            }
        }
    }

    private void publishStatus(String service, Optional<DesiredService> target, Optional<String> error, int failures) {
        try {
            List<PodStatus> pods = statusObserver.observe(service, target);
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
