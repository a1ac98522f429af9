package io.orbit.engine.autoscale;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.routing.ActivationListener;
import io.orbit.engine.routing.ServiceTraffic;
import io.orbit.engine.routing.TrafficControl;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.support.PeriodicTask;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerStats;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the autoscaler in the daemon: every {@link #TICK} (on the {@code orbit-autoscaler} thread) it builds each
 * autoscaled service's {@link ServiceLoad} from the status store (pods, readiness, start times), the stats sampler's
 * latest samples and the proxy's traffic numbers, asks the {@link Autoscaler}, and applies a change by setting the
 * autoscaler's replica count in {@link DesiredState} and enqueueing the service. It never touches a container: the
 * reconciler starts and removes pods (one writer). On a scale-down it leaves the pods with the fewest requests in
 * flight as preferred victims, which the reconciler removes first (each drained before it stops).
 *
 * <p>Rules: a pin from {@code orbit scale N} wins (the service is not decided while pinned); a service with pods on an
 * outdated spec (a rollout) is not scaled down; a config reload (a new {@link DesiredState.Snapshot}) reloads the
 * policies. Every change is journalled ({@code autoscale}) and logged, a "no change" at most once a minute per service
 * and only when its reason changed.
 *
 * <p>The loop owns the {@link StatsSampler} (one cadence for all services, {@link #STATS_CADENCE}). {@link #tick} may
 * be called directly (tests).
 *
 * <p>Longer than 300 lines: one tick (sample, decide, apply, journal) and the pin, rollout and reload rules that share its per-service records.
 */
public final class AutoscaleLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AutoscaleLoop.class);
    public static final Duration TICK = Duration.ofSeconds(2);
    public static final Duration STATS_CADENCE = Duration.ofSeconds(10);
    static final Duration QUIET_PERIOD = Duration.ofMinutes(1);
    static final String JOURNAL_KIND = "autoscale";

    private final DesiredState desired;
    private final StatusStore status;
    private final TrafficControl traffic;
    private final Autoscaler autoscaler;
    private final StatsSampler sampler;
    /** Calls {@link #tick()} on the {@code orbit-autoscaler} thread. */
    private final PeriodicTask ticker;

    private final ReconcileQueue queue;
    private final EventJournal journal;
    private final AutoscaleMetrics metrics;
    private final InstantSource clock;
    private final int hostCpus;
    private final Object tickLock = new Object();
    private final AtomicLong activations = new AtomicLong();
    private final Map<String, ServiceState> states = new ConcurrentHashMap<>();
    private volatile Set<String> enabled = Set.of();
    private DesiredState.@Nullable Snapshot loaded;

    /** What the loop remembers of one service between ticks; replaced whole, read by {@code /status}. */
    private record ServiceState(
            Optional<ScalingDecision> lastDecision,
            Optional<String> heldBack,
            Optional<Integer> pinNoticed,
            Optional<Instant> lastQuietRecord,
            Optional<ScalingDecision.Reason> lastQuietReason) {
        static final ServiceState NEW = new ServiceState(
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * @param runtime where the stats sampler reads CPU and memory
     * @param hostCpus the host's CPUs, for {@code cpu_percentage}
     * @param statsCadence time between two stats samples ({@link #STATS_CADENCE} in the daemon)
     */
    public AutoscaleLoop(
            DesiredState desired,
            StatusStore status,
            TrafficControl traffic,
            ContainerRuntime runtime,
            ReconcileQueue queue,
            EventJournal journal,
            AutoscaleMetrics metrics,
            InstantSource clock,
            int hostCpus,
            Duration statsCadence) {
        this.desired = requireNonNull(desired, "desired is null");
        this.status = requireNonNull(status, "status is null");
        this.traffic = requireNonNull(traffic, "traffic is null");
        this.queue = requireNonNull(queue, "queue is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.hostCpus = hostCpus;
        this.autoscaler = new Autoscaler(clock);
        this.sampler = new StatsSampler(runtime, this::containerIds, statsCadence);
        this.ticker = new PeriodicTask("orbit-autoscaler", TICK, this::tick);
    }

    /**
     * Starts the stats sampler ({@code orbit-stats}) and the tick ({@code orbit-autoscaler}, every 2 s), and listens
     * to the proxy's activations (a scaled-to-zero service's first held request, see {@link #activate}).
     */
    public synchronized void start() {
        if (ticker.started()) {
            throw new IllegalStateException("autoscale loop already started");
        }
        sampler.start();
        ticker.start();
        traffic.activations(this::activate);
    }

    /**
     * The proxy holds a request of {@code service} and no pod is ready (scale from zero): decide for that service now,
     * on the {@code orbit-autoscaler} thread, rather than at the next tick up to {@link #TICK} later. The held request
     * is demand, which lifts the desired count to at least 1. Returns at once (the proxy calls it); ignored before
     * {@link #start}.
     */
    public void activate(String service) {
        activations.incrementAndGet();
        ticker.submit(() -> activateNow(service));
    }

    /** {@link #activate}'s decision, on the calling thread (tests call it directly). */
    void activateNow(String service) {
        synchronized (tickLock) {
            DesiredState.Snapshot snapshot = desired.snapshot();
            if (snapshot != loaded) {
                reload(snapshot);
                loaded = snapshot;
            }
            if (!enabled.contains(service)) {
                return;
            }
            log.atDebug().addKeyValue("service", service).log("activation: deciding now for a held request");
            tick(service, Optional.ofNullable(traffic.traffic().get(service)));
        }
    }

    /** How many activations the proxy reported (for tests and status). */
    public long activations() {
        return activations.get();
    }

    /** One tick for every autoscaled service. */
    public void tick() {
        synchronized (tickLock) {
            DesiredState.Snapshot snapshot = desired.snapshot();
            if (snapshot != loaded) {
                reload(snapshot);
                loaded = snapshot;
            }
            Map<String, ServiceTraffic> numbers = traffic.traffic();
            for (String service : enabled) {
                tick(service, Optional.ofNullable(numbers.get(service)));
            }
        }
    }

    /** The policies follow every config load: new services start, changed ones update, removed ones are forgotten. */
    private void reload(DesiredState.Snapshot snapshot) {
        List<AutoscalePolicy> policies = new ArrayList<>();
        for (DesiredService service : snapshot.services().values()) {
            AutoscalePolicy policy = policy(service);
            if (policy.enabled()) {
                policies.add(policy);
            }
        }
        autoscaler.reload(policies);
        Set<String> now = new HashSet<>();
        policies.forEach(policy -> now.add(policy.service()));
        for (String gone : enabled) {
            if (!now.contains(gone)) {
                desired.clearAutoscaledReplicas(gone);
                states.remove(gone);
                metrics.forget(gone);
                log.atInfo().addKeyValue("service", gone).log("the service no longer autoscales");
            }
        }
        enabled = Set.copyOf(now);
    }

    private void tick(String service, Optional<ServiceTraffic> numbers) {
        Optional<DesiredService> target = desired.service(service);
        if (target.isEmpty()) {
            return;
        }
        ServiceState state = states.getOrDefault(service, ServiceState.NEW);
        int inFlight = numbers.map(ServiceTraffic::inFlight).orElse(0);
        metrics.observed(service, target.get().replicas(), inFlight);
        Optional<Integer> pin = desired.pinnedReplicas(service);
        if (!pin.equals(state.pinNoticed())) {
            notePin(service, pin, target.get());
            state = new ServiceState(
                    state.lastDecision(), state.heldBack(), pin, state.lastQuietRecord(), state.lastQuietReason());
            states.put(service, state);
        }
        if (pin.isPresent()) {
            return; // a pin wins: nothing is decided until `orbit scale SERVICE --auto` releases it
        }
        Optional<ServiceStatus> observed = Optional.ofNullable(status.services().get(service));
        ServiceLoad load = load(service, target.get(), observed, numbers);
        Optional<ScalingDecision> outcome = autoscaler.decide(load);
        if (outcome.isEmpty()) {
            return;
        }
        ScalingDecision decision = outcome.get();
        metrics.decided(decision);
        if (!decision.changes()) {
            states.put(service, quiet(service, state, decision));
            return;
        }
        boolean rollout = observed.map(s -> s.pods().stream().anyMatch(pod -> !pod.current()))
                .orElse(false);
        if (decision.direction() == ScalingDecision.Direction.DOWN && rollout) {
            String why = "scale-down to %d held back: a rollout is replacing pods on an outdated spec"
                    .formatted(decision.desiredReplicas());
            if (state.heldBack().isEmpty()) {
                log.atInfo().addKeyValue("service", service).log(why);
            }
            states.put(
                    service,
                    new ServiceState(
                            Optional.of(decision),
                            Optional.of(why),
                            state.pinNoticed(),
                            state.lastQuietRecord(),
                            state.lastQuietReason()));
            return;
        }
        apply(decision, load);
        states.put(
                service,
                new ServiceState(
                        Optional.of(decision),
                        Optional.empty(),
                        state.pinNoticed(),
                        state.lastQuietRecord(),
                        state.lastQuietReason()));
    }

    private void apply(ScalingDecision decision, ServiceLoad load) {
        String service = decision.service();
        if (decision.direction() == ScalingDecision.Direction.DOWN) {
            int surplus = decision.currentReplicas() - decision.desiredReplicas();
            List<String> victims = VictimChooser.choose(load.pods(), surplus).stream()
                    .map(PodSample::podId)
                    .toList();
            desired.preferVictims(service, victims);
        } else {
            desired.preferVictims(service, List.of());
        }
        desired.setAutoscaledReplicas(service, decision.desiredReplicas());
        queue.enqueue(service);
        String message = decision.describe();
        journal.record(JOURNAL_KIND, Optional.of(service), Optional.empty(), message);
        log.atInfo()
                .addKeyValue("service", service)
                .addKeyValue("from", decision.currentReplicas())
                .addKeyValue("to", decision.desiredReplicas())
                .addKeyValue("reason", decision.reason().label())
                .log("autoscaled " + message);
    }

    /** A "no change" is journalled only when its reason changed, and at most once a minute. */
    private ServiceState quiet(String service, ServiceState state, ScalingDecision decision) {
        Instant now = clock.instant();
        boolean reasonChanged = !state.lastQuietReason().equals(Optional.of(decision.reason()));
        boolean due = state.lastQuietRecord()
                .map(at -> !now.isBefore(at.plus(QUIET_PERIOD)))
                .orElse(true);
        if (!reasonChanged || !due) {
            return state;
        }
        String message = decision.describe();
        journal.record(JOURNAL_KIND, Optional.of(service), Optional.empty(), message);
        log.atDebug().addKeyValue("service", service).log("autoscaler holds " + message);
        return new ServiceState(
                state.lastDecision(),
                state.heldBack(),
                state.pinNoticed(),
                Optional.of(now),
                Optional.of(decision.reason()));
    }

    private void notePin(String service, Optional<Integer> pin, DesiredService target) {
        String message = pin.isPresent()
                ? ("%s: pinned to %d replicas by orbit scale; the autoscaler holds off until `orbit scale %s --auto`")
                        .formatted(service, target.replicas(), service)
                : "%s: the pin is released; the autoscaler decides again from %d replicas"
                        .formatted(service, target.replicas());
        journal.record(JOURNAL_KIND, Optional.of(service), Optional.empty(), message);
        log.atInfo().addKeyValue("service", service).log(message);
    }

    private ServiceLoad load(
            String service, DesiredService target, Optional<ServiceStatus> observed, Optional<ServiceTraffic> numbers) {
        Map<String, Long> nanoCpus = new HashMap<>();
        for (ContainerDefinition container : target.definition().containers()) {
            nanoCpus.put(container.name(), container.nanoCpus());
        }
        Map<String, ContainerStats> stats = sampler.latest();
        Instant now = clock.instant();
        List<PodSample> pods = new ArrayList<>();
        for (PodStatus pod : observed.map(ServiceStatus::pods).orElse(List.of())) {
            List<ContainerSample> samples = new ArrayList<>();
            Instant startedAt = null;
            for (ContainerStatus container : pod.containers()) {
                ContainerStats sample = stats.get(container.id());
                if (sample != null) {
                    samples.add(ContainerSample.of(
                            container.containerName(), sample, nanoCpus.getOrDefault(container.containerName(), 0L)));
                }
                Instant started = container.startedAt().orElse(now);
                startedAt = startedAt == null || started.isAfter(startedAt) ? started : startedAt;
            }
            boolean ready = pod.problem().isEmpty() && pod.health().phase().equals("Ready");
            pods.add(new PodSample(
                    pod.podId(),
                    pod.podNumber(),
                    ready,
                    startedAt == null ? now : startedAt,
                    numbers.map(n -> n.inFlight(pod.podId())).orElse(0),
                    samples));
        }
        Optional<LatencyWindow> latency = numbers.flatMap(ServiceTraffic::latency)
                .map(window -> new LatencyWindow(window.minimum(), window.requests()));
        return new ServiceLoad(
                service,
                target.replicas(),
                pods,
                numbers.map(ServiceTraffic::inFlight).orElse(0),
                numbers.map(ServiceTraffic::pending).orElse(0),
                numbers.isPresent(),
                latency,
                sampler.available());
    }

    /** The running containers of every autoscaled service: what the stats sampler samples. */
    private Set<String> containerIds() {
        Set<String> ids = new HashSet<>();
        Set<String> services = enabled;
        for (ServiceStatus service : status.services().values()) {
            if (!services.contains(service.name())) {
                continue;
            }
            for (PodStatus pod : service.pods()) {
                pod.containers().stream()
                        .filter(container -> container.state() == io.orbit.runtime.ContainerState.RUNNING)
                        .forEach(container -> ids.add(container.id()));
            }
        }
        return ids;
    }

    /** The autoscaler's part of {@code /status}; empty for a service that is not defined. */
    public Optional<AutoscaleStatus> status(String service) {
        Optional<DesiredService> target = desired.service(service);
        if (target.isEmpty()) {
            return Optional.empty();
        }
        ServiceState state = states.getOrDefault(service, ServiceState.NEW);
        return Optional.of(new AutoscaleStatus(
                autoscales(target.get()),
                target.get().replicas(),
                desired.pinnedReplicas(service),
                state.lastDecision(),
                state.heldBack(),
                sampler.unavailable()));
    }

    /** Whether a defined service autoscales (its policy has a signal); false for a service not defined. */
    public boolean autoscales(String service) {
        return desired.service(service).map(this::autoscales).orElse(false);
    }

    // From the definition in force, not from the set the loop takes over at its next tick: until then (up to a TICK
    // after a start or a config load) /status would say "off" for a service that autoscales, and the restart's
    // restore would not know which counts to bring back.
    private boolean autoscales(DesiredService target) {
        return policy(target).enabled();
    }

    /**
     * How long a defined service's count holds after a decision (its policy's stabilisation window, what the state
     * store saves beside an autoscaled count); zero for a service not defined.
     */
    public Duration stabilizationWindow(String service) {
        return desired.service(service)
                .map(target -> policy(target).stabilizationWindow())
                .orElse(Duration.ZERO);
    }

    private AutoscalePolicy policy(DesiredService target) {
        return AutoscalePolicy.of(target.definition(), hostCpus);
    }

    /** The stats sampler this loop owns (for tests, and a direct sample). */
    public StatsSampler sampler() {
        return sampler;
    }

    @Override
    public synchronized void close() {
        traffic.activations(ActivationListener.NONE);
        ticker.close();
        sampler.close();
    }
}
