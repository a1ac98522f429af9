package io.orbit.engine.reconcile;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.runtime.ContainerEvent;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.EventListener;
import io.orbit.runtime.EventSubscription;
import io.orbit.runtime.NetworkDetails;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs reconcile passes: worker threads take service names from the {@link ReconcileQueue} and converge each service
 * on its desired state; runtime events and a periodic resync only enqueue names.
 *
 * <p>Threads: {@code orbit-reconcile-N} workers (block on runtime calls), {@code orbit-resync} (enqueues, sweeps
 * orphans), and the runtime's event thread (enqueues). Nothing here holds a lock across a runtime call.
 */
public final class Reconciler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    /** The key of the pass that looks for containers and networks of services that no longer exist. */
    static final String ORPHAN_SWEEP = "*orphans*";
    /** How many pods of one service start at once; the engines serialise little, two cores do the rest. */
    static final int PARALLEL_STARTS = 4;

    private final ContainerRuntime runtime;
    private final DesiredState desired;
    private final StatusStore status;
    private final ReconcileQueue queue;
    private final PodObserver observer;
    private final PodLauncher launcher;
    private final StatusObserver statusObserver;
    private final InstantSource clock;
    private final ReconcileMetrics metrics;
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService resync = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("orbit-resync").factory());
    /** Platform threads: engine calls must not run on virtual threads (see EngineHttpClient). */
    private final ExecutorService podStarts = Executors.newFixedThreadPool(
            PARALLEL_STARTS,
            Thread.ofPlatform().daemon().name("orbit-pod-start-", 0).factory());

    private EventSubscription events;

    public Reconciler(
            ContainerRuntime runtime,
            DesiredState desired,
            StatusStore status,
            ReconcileQueue queue,
            InstantSource clock,
            ReconcileMetrics metrics,
            PodDrainer drainer) {
        this.runtime = runtime;
        this.desired = desired;
        this.status = status;
        this.queue = queue;
        this.clock = clock;
        this.metrics = metrics;
        this.observer = new PodObserver(runtime);
        this.launcher = new PodLauncher(runtime, drainer);
        this.statusObserver = new StatusObserver(runtime);
    }

    /** Starts the workers, the event subscription and the resync every {@code resyncInterval}. */
    public void start(int workerCount, Duration resyncInterval) {
        events = runtime.subscribe(OrbitLabels.ALL_MANAGED, new EventListener() {
            @Override
            public void onEvent(ContainerEvent event) {
                String service = event.labels().get(OrbitLabels.SERVICE);
                if (service != null && event.type() != ContainerEvent.Type.CREATE) {
                    queue.enqueue(service);
                }
            }

            @Override
            public void onStreamReconnected() {
                enqueueAll();
            }
        });
        for (int i = 0; i < workerCount; i++) {
            Thread worker = Thread.ofPlatform().name("orbit-reconcile-" + i).start(this::work);
            workers.add(worker);
        }
        resync.scheduleWithFixedDelay(this::enqueueAll, 0, resyncInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Enqueues every desired service, every service seen in status, and the orphan sweep. */
    public void enqueueAll() {
        desired.serviceNames().forEach(queue::enqueue);
        status.services().keySet().forEach(queue::enqueue);
        queue.enqueue(ORPHAN_SWEEP);
    }

    private void work() {
        try {
            while (true) {
                Optional<String> key = queue.take();
                if (key.isEmpty()) {
                    return;
                }
                boolean succeeded = key.get().equals(ORPHAN_SWEEP) ? sweepOrphans() : reconcile(key.get());
                queue.done(key.get(), succeeded);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One pass for one service: observe, plan, apply, publish. Returns false when it must be retried. */
    public boolean reconcile(String service) {
        long started = System.nanoTime();
        Optional<DesiredService> target = desired.service(service);
        Optional<String> error = Optional.empty();
        try {
            Plan plan = ServiceReconciler.plan(service, target, observer.observe(service, target));
            applyAll(service, target, plan.steps());
        } catch (PodStartException | ContainerRuntimeException e) {
            error = Optional.of(e.getMessage());
            log.atError()
                    .addKeyValue("service", service)
                    .addKeyValue("failures", queue.failures(service) + 1)
                    .log(e.getMessage());
        }
        publishStatus(service, target, error);
        metrics.passFinished(service, error.isEmpty(), Duration.ofNanos(System.nanoTime() - started));
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
                metrics.podStarted(service);
                log.atInfo()
                        .addKeyValue("service", service)
                        .addKeyValue("pod", pod)
                        .addKeyValue("podNumber", start.podNumber())
                        .log("started pod: " + start.reason());
            }
            case PlanStep.RemovePod remove -> {
                launcher.removePod(service, remove.pod());
                metrics.podRemoved(service);
                log.atInfo()
                        .addKeyValue("service", service)
                        .addKeyValue("pod", remove.pod().podId())
                        .addKeyValue("podNumber", remove.pod().podNumber())
                        .log("removed pod: " + remove.reason());
            }
        }
    }

    private void publishStatus(String service, Optional<DesiredService> target, Optional<String> error) {
        try {
            List<io.orbit.engine.state.PodStatus> pods = statusObserver.observe(service, target);
            if (target.isEmpty() && pods.isEmpty()) {
                status.remove(service);
                return;
            }
            int failures = error.isPresent() ? queue.failures(service) + 1 : 0;
            status.put(new ServiceStatus(service, target, pods, error, failures, clock.instant()));
        } catch (ContainerRuntimeException e) {
            log.atWarn().addKeyValue("service", service).log("cannot observe status: " + e.getMessage());
        }
    }

    /** Enqueues services that have containers but no longer a definition, and removes leaked pod networks. */
    private boolean sweepOrphans() {
        try {
            Set<String> defined = desired.serviceNames();
            Set<String> podsWithContainers = new HashSet<>();
            for (ContainerSummary container : runtime.listContainers(OrbitLabels.ALL_MANAGED)) {
                String service = container.labels().get(OrbitLabels.SERVICE);
                podsWithContainers.add(container.labels().getOrDefault(OrbitLabels.POD, ""));
                if (service != null && !defined.contains(service)) {
                    queue.enqueue(service);
                }
            }
            for (NetworkDetails network : runtime.listNetworks(OrbitLabels.ALL_MANAGED)) {
                String pod = network.labels().get(OrbitLabels.POD);
                if (pod != null && !podsWithContainers.contains(pod)) {
                    runtime.removeNetwork(network.name());
                    log.atInfo()
                            .addKeyValue("network", network.name())
                            .log("removed a pod network left without containers");
                }
            }
            return true;
        } catch (ContainerRuntimeException e) {
            log.atWarn().log("orphan sweep failed: " + e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        resync.shutdownNow();
        podStarts.shutdown();
        if (events != null) {
            events.close();
        }
        queue.shutDown();
        for (Thread worker : workers) {
            try {
                worker.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
