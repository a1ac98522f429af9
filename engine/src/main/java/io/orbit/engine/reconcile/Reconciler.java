package io.orbit.engine.reconcile;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.EventSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives reconcile passes: worker threads take service names from the {@link ReconcileQueue} and run a {@link
 * ServicePass} for each; runtime events and a periodic resync only enqueue names. A sweep finds this instance's
 * containers of services that are no longer defined and enqueues them, so their pass removes them.
 *
 * <p>Threads: {@code orbit-reconcile-N} workers (block on runtime calls), {@code orbit-resync} (enqueues only), and
 * the runtime's event thread (enqueues only). Nothing here holds a lock across a runtime call.
 */
public final class Reconciler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    /** The key of the pass that looks for containers of services that no longer exist. */
    static final String ORPHAN_SWEEP = "*orphans*";

    private final ContainerRuntime runtime;
    private final Ownership ownership;
    private final DesiredState desired;
    private final StatusStore status;
    private final ReconcileQueue queue;
    private final ServicePass pass;
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService resync = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("orbit-resync").factory());
    private EventSubscription events;
    private volatile long lastPassFinishedNanos = System.nanoTime();

    public Reconciler(
            ContainerRuntime runtime,
            Ownership ownership,
            DesiredState desired,
            StatusStore status,
            ReconcileQueue queue,
            ServicePass pass) {
        this.runtime = runtime;
        this.ownership = ownership;
        this.desired = desired;
        this.status = status;
        this.queue = queue;
        this.pass = pass;
    }

    /** Starts the workers, the event subscription and the resync every {@code resyncInterval}. */
    public void start(int workerCount, Duration resyncInterval) {
        events = runtime.subscribe(
                ownership.all(),
                new EventTrigger(
                        queue,
                        this::enqueueAll,
                        (service, delay) -> resync.schedule(
                                () -> queue.enqueue(service), delay.toMillis(), TimeUnit.MILLISECONDS)));
        for (int i = 0; i < workerCount; i++) {
            workers.add(Thread.ofPlatform().name("orbit-reconcile-" + i).start(this::work));
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
                queue.done(key.get(), runGuarded(key.get()));
                lastPassFinishedNanos = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs one key's pass; a bug that throws (or a broken class path: a linkage error) fails that pass, is logged,
     * and retried with back-off — it must not kill the worker thread while the watchdog keeps being fed.
     */
    private boolean runGuarded(String key) {
        try {
            return key.equals(ORPHAN_SWEEP) ? sweepOrphans() : reconcile(key);
        } catch (RuntimeException | LinkageError e) {
            log.atError().addKeyValue("service", key).log("reconcile pass failed unexpectedly: " + e, e);
            return false;
        }
    }

    /**
     * How long ago a worker last finished a pass. The resync enqueues work every few seconds, so a large value means
     * the loop is stuck: the systemd watchdog is fed only while this stays small.
     */
    public Duration sinceLastPass() {
        return Duration.ofNanos(System.nanoTime() - lastPassFinishedNanos);
    }

    /** One pass for one service, now, on the calling thread. Returns false when it must be retried. */
    public boolean reconcile(String service) {
        return pass.run(service, desired.service(service), queue.failures(service), desired.preferredVictims(service));
    }

    /** Enqueues services of this instance that have containers or pod networks but no longer a definition. */
    private boolean sweepOrphans() {
        try {
            Set<String> defined = desired.serviceNames();
            for (ContainerSummary container : runtime.listContainers(ownership.all())) {
                String service = container.labels().get(OrbitLabels.SERVICE);
                if (service != null && !defined.contains(service)) {
                    queue.enqueue(service);
                }
            }
            for (io.orbit.runtime.NetworkDetails network : runtime.listNetworks(ownership.all())) {
                String service = network.labels().get(OrbitLabels.SERVICE);
                if (service != null && !defined.contains(service)) {
                    queue.enqueue(service);
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
        pass.close();
    }
}
