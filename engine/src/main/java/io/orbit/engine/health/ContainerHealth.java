package io.orbit.engine.health;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The health of one run of one container: startup, then liveness. A restart starts a new run (a new instance), so
 * nothing here carries over; what must survive restarts lives in the {@link RestartLedger}.
 *
 * <p>Startup: every probe runs at once and then every {@link #STARTUP_INTERVAL}; the container is ready
 * ({@link HealthState#HEALTHY}) when each probe has passed once, and {@link HealthState#FAILED} when {@code
 * startup_timeout} passes first. Failures while starting are expected (the program is still coming up) and count
 * towards nothing but {@code failure_count}. Liveness: each probe runs every {@code period}; {@code failure_threshold}
 * failures of one probe in a row make the container {@link HealthState#UNHEALTHY}. Both end states are final for
 * this run.
 *
 * <p>Thread-safety: the probes of one container may finish concurrently, so the mutators are synchronized on this
 * object — a lock per container, held for a few field writes, never across a probe.
 */
public final class ContainerHealth {

    /** How often a starting container is probed: fast, so a ready pod gets traffic soon after it listens. */
    public static final Duration STARTUP_INTERVAL = Duration.ofMillis(500);

    /** A state change, for the monitor to act on. */
    public record Transition(HealthState from, HealthState to, String message) {}

    /** What {@code /status} shows, Orbit's {@code health_status} fields (restart fields come from the ledger). */
    public record Snapshot(
            HealthState state,
            Optional<HealthState> lastState,
            Instant lastTransition,
            long failureCount,
            Optional<Instant> lastFailure,
            Optional<String> message) {}

    private final HealthPolicy policy;
    private final Instant startedAt;
    /** The later of the start and of when this daemon began watching: the startup deadline counts from it. */
    private final Instant startupFrom;

    private final int[] consecutiveFailures;
    private final boolean[] passedOnce;
    private HealthState state;
    private @Nullable HealthState lastState;
    private Instant lastTransition;
    private long failureCount;
    private @Nullable Instant lastFailure;
    private @Nullable String message;

    public ContainerHealth(HealthPolicy policy, Instant startedAt) {
        this(policy, startedAt, startedAt);
    }

    /**
     * @param watchedSince when this daemon began to watch the container: a container adopted after a daemon restart
     *     (started long before) gets its full {@code startup_timeout} from then, not a deadline already past
     */
    public ContainerHealth(HealthPolicy policy, Instant startedAt, Instant watchedSince) {
        this.policy = requireNonNull(policy, "policy is null");
        this.startedAt = requireNonNull(startedAt, "startedAt is null");
        this.startupFrom = watchedSince.isAfter(startedAt) ? watchedSince : startedAt;
        this.consecutiveFailures = new int[policy.probes().size()];
        this.passedOnce = new boolean[policy.probes().size()];
        this.state = policy.hasStartupPhase() ? HealthState.STARTING : HealthState.HEALTHY;
        this.lastTransition = startedAt;
    }

    public HealthPolicy policy() {
        return policy;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** When a still-starting container fails its startup. */
    public Instant startupDeadline() {
        return startupFrom.plus(policy.startupTimeout());
    }

    public synchronized HealthState state() {
        return state;
    }

    /** True for the end states: nothing more to probe in this run. */
    public synchronized boolean isFinished() {
        return state == HealthState.UNHEALTHY || state == HealthState.FAILED;
    }

    /** How long until probe {@code index} runs again after a result. */
    public synchronized Duration nextDelay(int index) {
        Duration period = policy.probes().get(index).period();
        return state == HealthState.STARTING && period.compareTo(STARTUP_INTERVAL) > 0 ? STARTUP_INTERVAL : period;
    }

    /** Records one probe result; returns the transition it caused, if any. */
    public synchronized Optional<Transition> record(int index, boolean passed, String detail, Instant at) {
        if (isFinished()) {
            return Optional.empty();
        }
        ProbeSpec spec = policy.probes().get(index);
        if (passed) {
            consecutiveFailures[index] = 0;
            passedOnce[index] = true;
            if (state == HealthState.STARTING && allPassedOnce()) {
                return Optional.of(moveTo(
                        HealthState.HEALTHY,
                        null,
                        at,
                        "ready after " + Duration.between(startedAt, at).toMillis() + " ms"));
            }
            return Optional.empty();
        }
        failureCount++;
        lastFailure = at;
        String failure = spec.probe().describe() + ": " + detail;
        if (state == HealthState.STARTING) {
            message = "starting: " + failure;
            return Optional.empty();
        }
        consecutiveFailures[index]++;
        if (consecutiveFailures[index] >= spec.failureThreshold()) {
            String why = "liveness failed %d time(s) in a row: %s".formatted(consecutiveFailures[index], failure);
            return Optional.of(moveTo(HealthState.UNHEALTHY, why, at, why));
        }
        message = failure;
        return Optional.empty();
    }

    /** Fails the startup when the deadline has passed and the container is still starting. */
    public synchronized Optional<Transition> checkStartupDeadline(Instant now) {
        if (state != HealthState.STARTING || now.isBefore(startupDeadline())) {
            return Optional.empty();
        }
        String why = "not ready within startup_timeout %s%s"
                .formatted(
                        Durations.human(policy.startupTimeout()),
                        message == null ? "" : " (last: " + message.replaceFirst("^starting: ", "") + ")");
        return Optional.of(moveTo(HealthState.FAILED, why, now, why));
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(
                state,
                Optional.ofNullable(lastState),
                lastTransition,
                failureCount,
                Optional.ofNullable(lastFailure),
                Optional.ofNullable(message));
    }

    private boolean allPassedOnce() {
        for (boolean passed : passedOnce) {
            if (!passed) {
                return false;
            }
        }
        return true;
    }

    private Transition moveTo(HealthState next, @Nullable String newMessage, Instant at, String reason) {
        Transition transition = new Transition(state, next, reason);
        lastState = state;
        state = next;
        lastTransition = at;
        message = newMessage;
        return transition;
    }
}
