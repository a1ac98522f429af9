package io.orbit.engine.autoscale;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.autoscale.ScalingDecision.Direction;
import io.orbit.engine.autoscale.ScalingDecision.Explanation;
import io.orbit.engine.autoscale.ScalingDecision.Reading;
import io.orbit.engine.autoscale.ScalingDecision.Reason;
import io.orbit.engine.autoscale.ScalingDecision.Signal;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The autoscaler of one service: the windows and history behind its decisions, and {@link #decide}, called once per
 * tick with the service's {@link ServiceLoad}. Pure apart from that state and the clock: it never touches a container,
 * and assumes the daemon applies every decision it returns (the next tick's {@code currentReplicas} says what was).
 *
 * <p>Thread-safe: each method holds the instance's lock (the ticker decides while a reload may {@link #update}).
 */
public final class ServiceAutoscaler {

    private record Recommendation(Instant at, int replicas) {}

    private record ScaleEvent(Instant at, int delta) {}

    private final InstantSource clock;
    private final ConcurrencySignal concurrency = new ConcurrencySignal();
    private final CodelBooster codel = new CodelBooster();
    private final Deque<Recommendation> recommendations = new ArrayDeque<>();
    private final Deque<ScaleEvent> events = new ArrayDeque<>();
    private AutoscalePolicy policy;
    /** The last tick with a request in flight or waiting; starts at creation so a new service is not idle at once. */
    private Instant lastDemand;
    /** No scale-down within one stabilisation window of this: a restarted daemon has no history to stabilise on. */
    private final Instant created;

    public ServiceAutoscaler(AutoscalePolicy policy, InstantSource clock) {
        this.policy = requireNonNull(policy, "policy is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.created = clock.instant();
        this.lastDemand = created;
    }

    public synchronized AutoscalePolicy policy() {
        return policy;
    }

    /**
     * Takes a reloaded policy: new bounds, targets and windows apply from the next tick, while the windows' samples
     * and the scale history are kept, so a reload neither freezes scaling (Orbit restarted its cooldown) nor lets a
     * scale-down skip its stabilisation window.
     */
    public synchronized void update(AutoscalePolicy newPolicy) {
        requireNonNull(newPolicy, "newPolicy is null");
        if (!newPolicy.service().equals(policy.service())) {
            throw new IllegalArgumentException(
                    "policy of " + newPolicy.service() + " given to the autoscaler of " + policy.service());
        }
        if (newPolicy.codel().isEmpty()) {
            codel.reset();
        }
        policy = newPolicy;
    }

    /** One tick: reads the signals, combines them, and returns the replica count the service should have. */
    public synchronized ScalingDecision decide(ServiceLoad load) {
        requireNonNull(load, "load is null");
        if (!load.service().equals(policy.service())) {
            throw new IllegalArgumentException("load of " + load.service() + " given to " + policy.service());
        }
        Instant now = clock.instant();
        int current = load.currentReplicas();
        if (!policy.enabled()) {
            Explanation none = new Explanation(List.of(), current, current, current, false, List.of());
            return decision(now, current, current, Reason.DISABLED, none);
        }
        if (load.hasDemand()) {
            lastDemand = now;
        }
        List<String> notes = new ArrayList<>();
        List<Reading> signals = new ArrayList<>();
        boolean hot = readSignals(load, now, signals, notes);
        boolean panic = concurrency.inPanic();
        Choice recommended = recommend(load, now, current, hot, panic, signals, notes);
        int clamped = Math.clamp(recommended.replicas(), policy.minReplicas(), policy.maxReplicas());
        Reason reason = recommended.reason();
        if (clamped != recommended.replicas()) {
            reason = clamped == policy.minReplicas() ? Reason.MIN : Reason.MAX;
        }
        remember(now, clamped);
        int stabilized = stabilized(now, current);
        Choice chosen = limit(now, current, new Choice(clamped, reason), stabilized, panic, notes);
        int desired = chosen.replicas();
        reason = chosen.reason();
        if (desired < policy.minReplicas()) {
            desired = policy.minReplicas();
            reason = Reason.MIN;
        }
        if (desired != current) {
            events.addLast(new ScaleEvent(now, desired - current));
        }
        Explanation explanation = new Explanation(signals, recommended.replicas(), clamped, stabilized, panic, notes);
        return decision(now, current, desired, reason, explanation);
    }

    /** A replica count and why. */
    private record Choice(int replicas, Reason reason) {}

    /**
     * The strongest signal's recommendation, then idleness (a service scaled to zero behind the proxy) and demand (at
     * least one pod while requests come) on top.
     */
    private Choice recommend(
            ServiceLoad load,
            Instant now,
            int current,
            boolean hot,
            boolean panic,
            List<Reading> signals,
            List<String> notes) {
        Optional<Reading> strongest = signals.stream().max(Comparator.comparingInt(Reading::replicas));
        int recommended = strongest.map(Reading::replicas).orElse(current);
        Reason reason =
                strongest.map(reading -> reasonOf(reading.signal(), panic)).orElse(Reason.NO_DATA);
        Duration idle = Duration.between(lastDemand, now);
        boolean idleLongEnough = idle.compareTo(policy.idlePeriod()) >= 0;
        boolean atMinZeroBehindProxy = policy.minReplicas() == 0 && load.routed();
        if (atMinZeroBehindProxy && !hot && idleLongEnough) {
            notes.add("no request for %ds (idle_period %ds)"
                    .formatted(idle.toSeconds(), policy.idlePeriod().toSeconds()));
            return new Choice(0, Reason.IDLE);
        }
        if (recommended < 1 && (load.hasDemand() || atMinZeroBehindProxy && !idleLongEnough)) {
            // Demand is a floor, not a signal: it lifts a service off 0 but never pulls a busier one down.
            signals.add(new Reading(
                    Signal.DEMAND,
                    1,
                    "%d in flight, %d waiting, last request %ds ago (idle_period %ds): at least 1 pod"
                            .formatted(
                                    load.inFlight(),
                                    load.pending(),
                                    idle.toSeconds(),
                                    policy.idlePeriod().toSeconds())));
            return new Choice(1, Reason.DEMAND);
        }
        return new Choice(recommended, reason);
    }

    /** Never above max; up at the scale-up rate; down only out of panic, past the window and at the scale-down rate. */
    private Choice limit(Instant now, int current, Choice clamped, int stabilized, boolean panic, List<String> notes) {
        if (current > policy.maxReplicas()) {
            return new Choice(policy.maxReplicas(), Reason.MAX); // never above max, not even for a rate limit's length
        }
        if (clamped.replicas() > current) {
            int limit = scaleUpLimit(now, current);
            if (limit >= clamped.replicas()) {
                return clamped;
            }
            return rateLimited("scale-up", limit, "+", policy.scaleUp(), notes);
        }
        if (clamped.replicas() == current) {
            return clamped;
        }
        if (panic) {
            notes.add("no scale-down in panic");
            return new Choice(current, Reason.PANIC);
        }
        if (stabilized >= current) {
            notes.add("highest recommendation in the last %ds is %d"
                    .formatted(policy.stabilizationWindow().toSeconds(), stabilized));
            return new Choice(current, Reason.STABILIZING);
        }
        int desired = Math.min(current, Math.max(stabilized, scaleDownLimit(now, current)));
        if (desired <= stabilized) {
            return new Choice(desired, clamped.reason());
        }
        return rateLimited("scale-down", desired, "-", policy.scaleDown(), notes);
    }

    private static Choice rateLimited(
            String move, int replicas, String sign, AutoscalePolicy.RateLimit rate, List<String> notes) {
        notes.add("%s limited to %d by %smax(%d, %d %%) per %ds"
                .formatted(
                        move,
                        replicas,
                        sign,
                        rate.pods(),
                        rate.percent(),
                        rate.period().toSeconds()));
        return new Choice(replicas, Reason.RATE_LIMITED);
    }

    /** Fills {@code signals}; returns whether the resource signal is hot (idleness may then not scale down). */
    private boolean readSignals(ServiceLoad load, Instant now, List<Reading> signals, List<String> notes) {
        int current = load.currentReplicas();
        int ready = load.readyPods();
        boolean hot = false;
        if (policy.resources().isPresent()) {
            if (load.statsAvailable()) {
                Optional<ResourceSignal.Result> result =
                        ResourceSignal.recommend(policy, policy.resources().get(), load.pods(), current, now);
                if (result.isPresent()) {
                    signals.add(result.get().reading());
                    hot = result.get().hot();
                }
            } else {
                notes.add("container stats unavailable on this host: CPU/memory not used");
            }
        }
        if (policy.concurrency().isPresent()) {
            concurrency.observe(now, load.inFlight(), policy.concurrency().get());
            signals.add(concurrency.recommend(now, ready, policy.concurrency().get()));
        }
        if (policy.codel().isPresent()) {
            codel.recommend(now, load.latency(), ready, current, policy.codel().get())
                    .ifPresent(signals::add);
        }
        return hot;
    }

    private static Reason reasonOf(Signal signal, boolean panic) {
        return switch (signal) {
            case RESOURCE -> Reason.RESOURCE;
            case CONCURRENCY -> panic ? Reason.PANIC : Reason.CONCURRENCY;
            case CODEL -> Reason.CODEL;
            case DEMAND -> Reason.DEMAND;
        };
    }

    private void remember(Instant now, int replicas) {
        recommendations.addLast(new Recommendation(now, replicas));
        Instant horizon = now.minus(policy.stabilizationWindow());
        while (!recommendations.isEmpty() && recommendations.peekFirst().at().isBefore(horizon)) {
            recommendations.removeFirst();
        }
        Duration longest =
                policy.scaleUp().period().compareTo(policy.scaleDown().period()) > 0
                        ? policy.scaleUp().period()
                        : policy.scaleDown().period();
        while (!events.isEmpty() && !events.peekFirst().at().isAfter(now.minus(longest))) {
            events.removeFirst();
        }
    }

    /** The highest recommendation in the window, clamped to the current bounds (a reload may have lowered max). */
    private int stabilized(Instant now, int current) {
        int highest = recommendations.stream()
                .mapToInt(Recommendation::replicas)
                .max()
                .orElse(0);
        if (now.isBefore(created.plus(policy.stabilizationWindow()))) {
            highest = Math.max(highest, current);
        }
        return Math.clamp(highest, policy.minReplicas(), policy.maxReplicas());
    }

    /** HPA: the count at the start of the period plus the larger of the two steps. */
    private int scaleUpLimit(Instant now, int current) {
        int added = changedWithin(now, policy.scaleUp().period(), true);
        int periodStart = Math.max(0, current - added);
        int byPods = periodStart + policy.scaleUp().pods();
        int byPercent = (int) Math.ceil(periodStart * (1 + policy.scaleUp().percent() / 100.0));
        return Math.max(byPods, byPercent);
    }

    /** HPA: the count at the start of the period minus the larger of the two steps. */
    private int scaleDownLimit(Instant now, int current) {
        int removed = changedWithin(now, policy.scaleDown().period(), false);
        int periodStart = current + removed;
        int byPods = periodStart - policy.scaleDown().pods();
        int byPercent = (int) Math.floor(periodStart * (1 - policy.scaleDown().percent() / 100.0));
        return Math.max(0, Math.min(byPods, byPercent));
    }

    private int changedWithin(Instant now, Duration period, boolean up) {
        Instant horizon = now.minus(period);
        return events.stream()
                .filter(event -> event.at().isAfter(horizon))
                .mapToInt(ScaleEvent::delta)
                .filter(delta -> up ? delta > 0 : delta < 0)
                .map(Math::abs)
                .sum();
    }

    private ScalingDecision decision(Instant now, int current, int desired, Reason reason, Explanation explanation) {
        return new ScalingDecision(
                policy.service(), now, current, desired, Direction.of(current, desired), reason, explanation);
    }
}
