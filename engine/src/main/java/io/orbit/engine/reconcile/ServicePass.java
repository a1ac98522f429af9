package io.orbit.engine.reconcile;

import io.orbit.engine.health.ExitCause;
import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.netlimit.NetworkLimitEnforcer;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodStartException;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile pass for one service, in three parts: {@link PassObserver} reads an immutable {@link Observation},
 * {@link PassPlanner} turns it into a {@link Plan} (pure), {@link PassExecutor} applies the plan; then the service's
 * status is published. The caller guarantees that no two passes of one service run at once (the {@link
 * ReconcileQueue}), so everything here may assume it is the service's only writer.
 */
public final class ServicePass implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServicePass.class);

    private final PodObserver pods;
    /** When a pass that changed nothing looks for leaked pod networks again (a pass with steps always looks). */
    private final QuietChecks networkChecks;

    private final PodLauncher launcher;
    private final PassObserver observer;
    private final PassExecutor executor;
    private final ExecutorService podStarts = PassExecutor.podStartPool();
    private final StatusPublisher publisher;
    private final ExitRecords exits = new ExitRecords();
    private final Rollouts rollouts;
    private final HealthMonitor health;
    private final ReconcileMetrics metrics;
    private final InstantSource clock;
    private final BiConsumer<String, Duration> recheck;

    /**
     * Builds the three parts of the pass; it owns the pool the executor starts pods on ({@link #close}).
     *
     * @param volumes writes inline files (below {@code --volume-dir}) and creates named volumes
     * @param health probes the pods and judges them; the plan reads its verdicts
     * @param recheck asks for another pass of a service after a delay (when a back-off expires)
     * @param networkLimits applies {@code network_limit} after each start, or says why this host cannot (then pods
     *     with a limit are refused); null: no limits are applied
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
            BiConsumer<String, Duration> recheck,
            @Nullable NetworkLimitEnforcer networkLimits) {
        this.pods = new PodObserver(runtime, ownership, clock);
        this.networkChecks = new QuietChecks(clock, QuietChecks.RECHECK);
        this.launcher = new PodLauncher(runtime, ownership, drainer, volumes, health::containerIpsReachable);
        this.rollouts = new Rollouts(journal);
        this.observer = new PassObserver(
                pods,
                runtime,
                health,
                rollouts,
                exits,
                networkLimits == null ? Optional::empty : () -> Optional.of(networkLimits.support()),
                clock);
        StatusObserver statusObserver = new StatusObserver(runtime, pods);
        this.executor = new PassExecutor(
                launcher,
                statusObserver,
                health,
                exits,
                new RestartReports(health, exits, journal, clock),
                networkLimits,
                metrics,
                journal,
                podStarts);
        this.publisher = new StatusPublisher(statusObserver, status, health, exits, clock);
        this.health = health;
        this.metrics = metrics;
        this.clock = clock;
        this.recheck = recheck;
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
        Optional<List<ObservedPod>> unchanged = Optional.empty();
        try {
            Observation seen = observer.observe(service, target, preferredVictims);
            Plan plan = PassPlanner.plan(seen);
            executor.execute(plan, seen.target());
            plan.recheckAt().ifPresent(at -> recheck.accept(service, untilThen(at)));
            if (target.isEmpty()) {
                rollouts.forget(service);
            }
            // A pass that took no step left the pods as it read them a moment ago: that reading serves the clean-up
            // and the status, so an idle service costs the engine one reading per pass, not three (it lists every
            // container of the service each time). A status shown for a rollback target is read again.
            if (plan.isEmpty() && target.map(rollouts::target).equals(target)) {
                unchanged = Optional.of(seen.pods());
            }
            forgetWhatIsGone(service, unchanged);
        } catch (PodStartException | ContainerRuntimeException e) {
            error = Optional.of(Objects.requireNonNullElse(e.getMessage(), e.toString()));
            log.atError()
                    .addKeyValue("service", service)
                    .addKeyValue("failures", previousFailures + 1)
                    .log(e.getMessage());
        }
        publisher.publish(
                service, target.map(rollouts::target), unchanged, error, error.isPresent() ? previousFailures + 1 : 0);
        metrics.passFinished(service, error, Duration.ofNanos(System.nanoTime() - started));
        return error.isEmpty();
    }

    /**
     * After the steps: the restart ledger and the exit records drop the slots and containers that are gone, and pod
     * networks left without containers (a crash between two steps leaks them) are removed.
     *
     * @param unchanged the pods as the pass read them, when it changed nothing; empty: read them again
     */
    private void forgetWhatIsGone(String service, Optional<List<ObservedPod>> unchanged) {
        List<ObservedPod> remaining = unchanged
                .map(seen -> seen.stream()
                        .filter(pod -> pod.origin() == ObservedPod.Origin.LABELLED)
                        .toList())
                .orElseGet(() -> pods.observe(service));
        health.ledger()
                .retain(
                        service,
                        remaining.stream()
                                .map(pod -> PassObserver.slot(service, pod))
                                .collect(Collectors.toSet()));
        Set<String> stillThere = remaining.stream()
                .flatMap(pod -> pod.containers().stream())
                .map(ObservedContainer::id)
                .collect(Collectors.toSet());
        exits.retain(service, stillThere);
        if (unchanged.isEmpty() || networkChecks.due(service)) {
            boolean leaked = launcher.removeLeakedPodNetworks(
                    service, remaining.stream().map(ObservedPod::podId).collect(Collectors.toSet()));
            networkChecks.checked(service, leaked);
        }
    }

    /** The clock the pass judges time by (the loop's quiet checks use it too). */
    InstantSource clock() {
        return clock;
    }

    /** Why a container last exited, for {@code /status}. */
    public Optional<ExitCause> lastExit(String containerId) {
        return exits.lastExit(containerId);
    }

    /**
     * Publishes the status of a service the daemon leaves alone because its file is broken: its pods as they run,
     * and why in {@code last_error}, so {@code orbit status} and {@code /status} show it instead of nothing.
     */
    public void publishKept(String service, String why) {
        publisher.publish(service, Optional.empty(), Optional.empty(), Optional.of(why), 0);
    }

    /**
     * Publishes a service's pods as they run now, before its first pass: nothing is planned or changed.
     *
     * @return false when the engine did not answer
     */
    public boolean publishObserved(String service, DesiredService target) {
        return publisher.publish(service, Optional.of(rollouts.target(target)), Optional.empty(), Optional.empty(), 0);
    }

    private Duration untilThen(Instant at) {
        Duration wait = Duration.between(clock.instant(), at);
        // a moment past the instant, so the pass that wakes up finds the back-off expired
        return (wait.isNegative() ? Duration.ZERO : wait).plusMillis(20);
    }

    @Override
    public void close() {
        podStarts.shutdown();
    }
}
