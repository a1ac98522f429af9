package io.orbit.engine.reconcile;

import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.EventSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
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
    private static final String KEPT = "containers kept as they run, nothing is removed or changed, because ";
    /** The key of the pass that looks for containers of services that no longer exist. */
    static final String ORPHAN_SWEEP = "*orphans*";

    private final ContainerRuntime runtime;
    private final Ownership ownership;
    private final DesiredState desired;
    private final StatusStore status;
    private final ReconcileQueue queue;
    private final ServicePass pass;
    private final List<Thread> workers = new ArrayList<>();
    private final List<Runnable> resyncHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ScheduledExecutorService resync = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("orbit-resync").factory());
    private @Nullable EventSubscription events;
    private volatile long lastPassFinishedNanos = System.nanoTime();
    /** When the resync last enqueued everything: its thread is one of the loops the watchdog guards. */
    private volatile long lastResyncNanos = System.nanoTime();
    /** Workers waiting for a key (not inside a pass): a waiting worker is alive, even if no pass is due for minutes. */
    private volatile long resyncIntervalNanos;

    private final AtomicInteger waitingWorkers = new AtomicInteger();
    /** The loop's sweep, on the pass's clock: see sweepWhenDue. */
    private final QuietChecks sweeps;

    private final @Nullable EventJournal journal;
    /** Services left alone because their file is broken, with the reason last logged. */
    private final Map<String, String> kept = new ConcurrentHashMap<>();

    /** @param journal where services kept because of a broken file are recorded (null: only logged) */
    public Reconciler(
            ContainerRuntime runtime,
            Ownership ownership,
            DesiredState desired,
            StatusStore status,
            ReconcileQueue queue,
            ServicePass pass,
            @Nullable EventJournal journal) {
        this.journal = journal;
        this.runtime = runtime;
        this.ownership = ownership;
        this.desired = desired;
        this.status = status;
        this.queue = queue;
        this.pass = pass;
        this.sweeps = new QuietChecks(pass.clock(), QuietChecks.RECHECK);
    }

    /**
     * Publishes every defined service's pods as they run now, before the first passes, so /status, the dashboard and
     * the routes show what runs from the moment the daemon answers rather than after each service's first pass (a
     * restarted daemon's API would otherwise list no service at all for a moment; a first pass that pulls an image
     * takes minutes). Nothing is planned or changed. An engine that does not answer ends it at the first failure
     * (the passes report the engine's state), so a hung engine delays the start by one call's deadline at most.
     */
    public void publishFirstObservation() {
        for (DesiredService target : desired.snapshot().services().values()) {
            if (!pass.publishObserved(target.name(), target)) {
                return;
            }
        }
    }

    /** Starts the workers, the event subscription and the resync every {@code resyncInterval}. */
    public void start(int workerCount, Duration resyncInterval) {
        resyncIntervalNanos = resyncInterval.toNanos();
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
        resync.scheduleWithFixedDelay(this::resync, 0, resyncInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void resync() {
        lastResyncNanos = System.nanoTime();
        enqueueAll();
        for (Runnable hook : resyncHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                // A scheduled task that throws is never run again: the resync must outlive a failing hook.
                log.atWarn().log("a resync task failed: " + e, e);
            }
        }
    }

    /**
     * Runs {@code hook} at every resync, on the resync thread: clean-ups that must happen even when no status changes
     * (the secret versions of a deleted service, kept for a grace period when it left the status).
     */
    public void onResync(Runnable hook) {
        resyncHooks.add(hook);
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
                Optional<String> key;
                waitingWorkers.incrementAndGet();
                try {
                    key = queue.take();
                } finally {
                    waitingWorkers.decrementAndGet();
                }
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
            return key.equals(ORPHAN_SWEEP) ? sweepWhenDue() : reconcile(key);
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

    /**
     * How long the reconcile loop has shown no sign of life: zero while the resync ticks and a worker waits for work or
     * finished a pass lately. A pass that fails is a sign of life too: during an engine outage every pass fails (and
     * back-off keeps the workers waiting for minutes), yet the loop is fine. What grows is a stuck loop: the resync
     * thread no longer ticking, or every worker inside a pass that never ends. The systemd watchdog is fed only while
     * this stays small, so it guards the daemon's loops, not the engine.
     */
    public Duration loopStalledFor() {
        long now = System.nanoTime();
        long resyncAge = now - lastResyncNanos;
        long workerAge = waitingWorkers.get() > 0 ? 0 : now - lastPassFinishedNanos;
        return Duration.ofNanos(Math.max(0, Math.max(resyncAge - resyncIntervalNanos, workerAge)));
    }

    /**
     * One pass for one service, now, on the calling thread. Returns false when it must be retried. A service without a
     * definition whose file is broken ({@link DesiredState#whyKept}) is not touched at all: its containers keep running
     * as they are until the file is fixed.
     */
    public boolean reconcile(String service) {
        Optional<DesiredService> target = desired.service(service);
        if (target.isEmpty()) {
            Optional<String> why = desired.whyKept(service);
            if (why.isPresent()) {
                noteKept(service, why.get());
                pass.publishKept(service, KEPT + why.get());
                return true;
            }
        }
        if (kept.remove(service) != null) {
            log.atInfo().addKeyValue("service", service).log("service '" + service + "' is reconciled again");
        }
        return pass.run(service, target, queue.failures(service), desired.preferredVictims(service));
    }

    /** Logs and journals once per service and reason (the resync would repeat it every few seconds). */
    private void noteKept(String service, String why) {
        if (why.equals(kept.put(service, why))) {
            return;
        }
        String message = KEPT + why;
        log.atWarn().addKeyValue("service", service).log("service '" + service + "': " + message);
        if (journal != null) {
            journal.record("kept-broken-file", Optional.of(service), Optional.empty(), message);
        }
    }

    /**
     * The loop's sweep: a service left without a definition is almost always removed by its own pass (it stays in the
     * status until then), so while the sweep finds none it lists the engine's containers and networks again only
     * {@link QuietChecks#RECHECK} later, not at every resync; once it finds some, at every resync.
     */
    boolean sweepWhenDue() {
        if (!sweeps.due(ORPHAN_SWEEP)) {
            return true;
        }
        OptionalInt found = sweepOrphans();
        found.ifPresent(services -> sweeps.checked(ORPHAN_SWEEP, services > 0));
        return found.isPresent();
    }

    /**
     * Enqueues services of this instance that have containers or pod networks but no longer a definition, except those
     * whose file is broken ({@link DesiredState#whyKept}): a bad file never touches the containers it describes.
     *
     * @return how many services it enqueued; empty when the engine did not answer
     */
    OptionalInt sweepOrphans() {
        try {
            Set<String> defined = desired.serviceNames();
            Set<String> orphans = new TreeSet<>();
            for (ContainerSummary container : runtime.listContainers(ownership.all())) {
                String service = container.labels().get(OrbitLabels.SERVICE);
                if (service != null && !defined.contains(service)) {
                    orphans.add(service);
                }
            }
            for (io.orbit.runtime.NetworkDetails network : runtime.listNetworks(ownership.all())) {
                String service = network.labels().get(OrbitLabels.SERVICE);
                if (service != null && !defined.contains(service)) {
                    orphans.add(service);
                }
            }
            // Kept services (their file is broken) are enqueued too: their own pass leaves them alone but publishes
            // their status, so no two writers touch one service.
            orphans.forEach(queue::enqueue);
            return OptionalInt.of(orphans.size());
        } catch (ContainerRuntimeException e) {
            log.atWarn().log("orphan sweep failed: " + e.getMessage());
            return OptionalInt.empty();
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
        // The pass (and its pod-start pool) is not closed here: whoever made it closes it (the Engine's lifecycle).
    }
}
