package io.orbit.engine.health;

import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.Endpoint;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.runtime.RuntimeUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every running container whose service declares a {@code health_check}, from the host, and acts on what it
 * finds: a container that becomes ready is put into traffic; one that fails liveness is first taken out of traffic
 * (drained), then its service is reconciled, whose plan restarts it; one that never gets ready within {@code
 * startup_timeout} gets its pod replaced the same way. The monitor itself never restarts anything: the reconciler stays
 * the only writer, and reads this monitor's {@link PodVerdict}s.
 *
 * <p>It follows the {@link StatusStore}: {@link #sync()} runs after every status change and starts probing containers
 * that appeared (or restarted: a new start time is a new run) and stops probing those that are gone.
 *
 * <p>Threads: probes run on the {@link ProbeScheduler}'s threads. Each container has its own state object, locked
 * only for a few field writes; no lock is held across a probe, and nothing a probe does waits for another container.
 *
 * <p>Over 300 lines because the per-container watch (its probes, its ladder, its actions) is a nested class that shares
 * the monitor's scheduler, ledger and callbacks.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

    /** What the monitor asks of the rest of the daemon. */
    public interface Actions {

        Actions NONE = new Actions() {
            @Override
            public void takeOutOfTraffic(String service, String podId) {}

            @Override
            public void readinessChanged(String service) {}

            @Override
            public void reconcile(String service) {}
        };

        /** Drains the pod (no new requests, in-flight ones finish, bounded) and republishes the routes without it. */
        void takeOutOfTraffic(String service, String podId);

        /** A container of the service became ready: republish the routes (and refresh its status). */
        void readinessChanged(String service);

        /** Something needs the reconciler's attention (a restart or a replacement). */
        void reconcile(String service);
    }

    private final StatusStore status;
    private final ProbeRunner runner;
    private final ProbeScheduler scheduler;
    private final RestartLedger ledger;
    private final EventJournal journal;
    private final HealthMetrics metrics;
    private final InstantSource clock;
    private final BooleanSupplier containerIpsReachable;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();

    private volatile Actions actions = Actions.NONE;
    private volatile boolean closed;

    public HealthMonitor(
            StatusStore status,
            ProbeRunner runner,
            ProbeScheduler scheduler,
            RestartLedger ledger,
            EventJournal journal,
            HealthMetrics metrics,
            InstantSource clock,
            BooleanSupplier containerIpsReachable) {
        this.status = status;
        this.runner = runner;
        this.scheduler = scheduler;
        this.ledger = ledger;
        this.journal = journal;
        this.metrics = metrics;
        this.clock = clock;
        this.containerIpsReachable = containerIpsReachable;
    }

    /** Connects the monitor to traffic and the reconciler; set once while the daemon is wired. */
    public void bind(Actions actions) {
        this.actions = actions;
    }

    public RestartLedger ledger() {
        return ledger;
    }

    /** Whether the host can route to container IPs (else probes use ports published on 127.0.0.1). */
    public boolean containerIpsReachable() {
        return containerIpsReachable.getAsBoolean();
    }

    public HealthMetrics metrics() {
        return metrics;
    }

    /** Starts probing new container runs and stops probing ended ones. Called after every status change. */
    public synchronized void sync() {
        if (closed) {
            return;
        }
        Set<String> seen = new HashSet<>();
        boolean ips = containerIpsReachable.getAsBoolean();
        for (ServiceStatus service : status.services().values()) {
            if (service.desired().isEmpty()) {
                continue;
            }
            ServiceDefinition desired = service.desired().get().definition();
            for (PodStatus pod : service.pods()) {
                for (ContainerStatus container : pod.containers()) {
                    Optional<HealthPolicy> policy = policy(desired, container.containerName());
                    if (policy.isEmpty()
                            || policy.get().probes().isEmpty()
                            || !container.state().isRunning()
                            || container.startedAt().isEmpty()) {
                        continue;
                    }
                    seen.add(container.id());
                    Watch existing = watches.get(container.id());
                    if (existing != null
                            && existing.health
                                    .startedAt()
                                    .equals(container.startedAt().get())) {
                        continue;
                    }
                    if (existing != null) {
                        existing.stop();
                    }
                    Watch watch = new Watch(
                            service.name(),
                            pod.podId(),
                            new SlotKey(service.name(), pod.podNumber(), pod.configHash()),
                            container.id(),
                            container.containerName(),
                            new ContainerHealth(
                                    policy.get(), container.startedAt().get(), clock.instant()),
                            target(container, policy.get(), ips));
                    watches.put(container.id(), watch);
                    watch.start();
                }
            }
        }
        for (Watch watch : new ArrayList<>(watches.values())) {
            if (!seen.contains(watch.containerId)) {
                watch.stop();
                watches.remove(watch.containerId, watch);
            }
        }
    }

    /**
     * Health's view of one pod for the plan.
     *
     * @param containerIds the pod's containers
     */
    public PodVerdict verdict(SlotKey slot, String podId, Collection<String> containerIds) {
        boolean ready = true;
        List<String> unhealthy = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        Optional<String> startupFailure = Optional.empty();
        for (String id : containerIds) {
            Watch watch = watches.get(id);
            if (watch == null || !watch.podId.equals(podId)) {
                continue;
            }
            HealthState state = watch.health.state();
            ready &= state == HealthState.HEALTHY;
            if (state == HealthState.UNHEALTHY) {
                unhealthy.add(id);
                reasons.add("container '" + watch.containerName + "' "
                        + watch.health.snapshot().message().orElse("failed liveness"));
            } else if (state == HealthState.FAILED) {
                startupFailure = Optional.of("container '" + watch.containerName + "' "
                        + watch.health.snapshot().message().orElse("failed its startup"));
            }
        }
        Optional<PodVerdict.Action> action = Optional.empty();
        if (!unhealthy.isEmpty()) {
            action = Optional.of(new PodVerdict.Action.RestartContainers(unhealthy, String.join("; ", reasons)));
        } else if (startupFailure.isPresent()) {
            action = Optional.of(new PodVerdict.Action.ReplacePod(startupFailure.get()));
        }
        Optional<RestartLedger.Record> record = ledger.record(slot);
        return new PodVerdict(
                ready,
                action,
                record.map(RestartLedger.Record::nextRestartAllowed).orElse(Instant.EPOCH),
                record.map(RestartLedger.Record::crashLoop).orElse(false));
    }

    /**
     * True when the pod may get traffic: every running container whose service declares probes passed them in this
     * run. A container with probes but no watch yet (it just started) is not ready.
     */
    public boolean isReady(ServiceDefinition desired, PodStatus pod) {
        for (ContainerStatus container : pod.containers()) {
            Optional<HealthPolicy> policy = policy(desired, container.containerName());
            if (policy.isEmpty() || policy.get().probes().isEmpty()) {
                continue;
            }
            Watch watch = watches.get(container.id());
            if (watch == null
                    || container.startedAt().isEmpty()
                    || !watch.health.startedAt().equals(container.startedAt().get())
                    || watch.health.state() != HealthState.HEALTHY) {
                return false;
            }
        }
        return true;
    }

    /** True when a container of the pod has probes: its readiness was verified by them, not just by running. */
    public boolean isProbed(ServiceDefinition desired, PodStatus pod) {
        return pod.containers().stream()
                .anyMatch(container -> policy(desired, container.containerName())
                        .map(policy -> !policy.probes().isEmpty())
                        .orElse(false));
    }

    /** The health of a container's current run, if it is probed. */
    public Optional<ContainerHealth.Snapshot> health(String containerId) {
        return Optional.ofNullable(watches.get(containerId)).map(watch -> watch.health.snapshot());
    }

    /** Stops probing containers the reconciler is about to restart; their next run gets a new watch. */
    public void restarting(Collection<String> containerIds) {
        for (String id : containerIds) {
            Watch watch = watches.remove(id);
            if (watch != null) {
                watch.stop();
            }
        }
    }

    /** How many containers are probed now. */
    public int watched() {
        return watches.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        watches.values().forEach(Watch::stop);
        watches.clear();
        scheduler.close();
    }

    private Optional<HealthPolicy> policy(ServiceDefinition desired, String containerName) {
        for (ContainerDefinition container : desired.containers()) {
            if (container.name().equals(containerName)) {
                // Cached per distinct health check: it is read on every sync and every readiness question.
                return HealthPolicy.cachedOf(container.template().healthCheck());
            }
        }
        return Optional.empty();
    }

    private static ProbeTarget target(ContainerStatus container, HealthPolicy policy, boolean ips) {
        Map<Integer, Endpoint> ports = new HashMap<>();
        for (int port : policy.probedPorts()) {
            container.endpoint(port, ips).ifPresent(endpoint -> ports.put(port, endpoint));
        }
        return new ProbeTarget(container.id(), ports, !ips);
    }

    /** The probing of one run of one container. */
    private final class Watch {
        final String service;
        final String podId;
        final SlotKey slot;
        final String containerId;
        final String containerName;
        final ContainerHealth health;
        final ProbeTarget target;
        final List<ProbeScheduler.Cancellable> pending = new CopyOnWriteArrayList<>();
        volatile boolean stopped;

        Watch(
                String service,
                String podId,
                SlotKey slot,
                String containerId,
                String containerName,
                ContainerHealth health,
                ProbeTarget target) {
            this.service = service;
            this.podId = podId;
            this.slot = slot;
            this.containerId = containerId;
            this.containerName = containerName;
            this.health = health;
            this.target = target;
        }

        void start() {
            List<ProbeSpec> probes = health.policy().probes();
            for (int i = 0; i < probes.size(); i++) {
                schedule(i, Duration.ZERO);
            }
            if (health.state() == HealthState.STARTING) {
                Duration untilDeadline = Duration.between(clock.instant(), health.startupDeadline());
                pending.add(scheduler.schedule(untilDeadline, false, this::checkDeadline));
            }
        }

        void stop() {
            stopped = true;
            pending.forEach(ProbeScheduler.Cancellable::cancel);
            pending.clear();
        }

        private void schedule(int index, Duration delay) {
            if (stopped) {
                return;
            }
            boolean exec = health.policy().probes().get(index).probe() instanceof Probe.Exec;
            pending.add(scheduler.schedule(delay, exec, () -> probe(index)));
        }

        private void probe(int index) {
            if (stopped) {
                return;
            }
            Probe probe = health.policy().probes().get(index).probe();
            long started = System.nanoTime();
            ProbeResult result;
            try {
                result = runner.run(probe, target);
            } catch (RuntimeUnavailableException e) {
                // An exec probe while the engine is unreachable says nothing about the pod: during an outage the
                // probes that can run (HTTP, TCP) decide, and this one is tried again at its next interval.
                if (!stopped && !health.isFinished()) {
                    schedule(index, health.nextDelay(index));
                }
                return;
            } catch (RuntimeException e) {
                result = ProbeResult.failed("probe failed: " + e);
            }
            metrics.probed(service, kind(probe), result.passed(), Duration.ofNanos(System.nanoTime() - started));
            if (stopped) {
                return;
            }
            health.record(index, result.passed(), result.detail(), clock.instant())
                    .ifPresent(this::onTransition);
            if (!health.isFinished()) {
                schedule(index, health.nextDelay(index));
            }
        }

        private void checkDeadline() {
            if (!stopped) {
                health.checkStartupDeadline(clock.instant()).ifPresent(this::onTransition);
            }
        }

        private void onTransition(ContainerHealth.Transition transition) {
            metrics.transition(service, transition.to());
            String subject = "container '" + containerName + "' of pod " + slot.podNumber();
            switch (transition.to()) {
                case HEALTHY -> {
                    log.atInfo()
                            .addKeyValue("service", service)
                            .addKeyValue("pod", podId)
                            .log(subject + " is ready: " + transition.message());
                    actions.readinessChanged(service);
                }
                case UNHEALTHY -> {
                    String message = subject + " is unhealthy (" + transition.message()
                            + "); taking the pod out of traffic, then restarting the container";
                    log.atWarn()
                            .addKeyValue("service", service)
                            .addKeyValue("pod", podId)
                            .log(message);
                    journal.record("unhealthy", Optional.of(service), Optional.of(podId), message);
                    ledger.notHealthy(slot);
                    stopProbing();
                    actions.takeOutOfTraffic(service, podId);
                    actions.reconcile(service);
                }
                case FAILED -> {
                    String message = subject + " failed its startup: " + transition.message() + "; replacing the pod";
                    log.atWarn()
                            .addKeyValue("service", service)
                            .addKeyValue("pod", podId)
                            .log(message);
                    journal.record("startup-failed", Optional.of(service), Optional.of(podId), message);
                    ledger.notHealthy(slot);
                    stopProbing();
                    actions.reconcile(service);
                }
                case STARTING -> {
                    // never a target: a run starts in this state
                }
            }
        }

        /** The run's verdict is in; its remaining probes and deadline are moot. The watch stays for the verdict. */
        private void stopProbing() {
            pending.forEach(ProbeScheduler.Cancellable::cancel);
            pending.clear();
        }
    }

    private static String kind(Probe probe) {
        return switch (probe) {
            case Probe.Tcp tcp -> "tcp";
            case Probe.Http http -> "http";
            case Probe.Exec exec -> "exec";
        };
    }
}
