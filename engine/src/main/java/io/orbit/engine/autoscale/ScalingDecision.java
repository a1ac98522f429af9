package io.orbit.engine.autoscale;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One tick's outcome for one service, with everything needed to explain it (issue 7: inputs, windows, formula,
 * clamp, reason). {@code desiredReplicas} is what the daemon should set; it equals {@code currentReplicas} when
 * nothing changes.
 */
public record ScalingDecision(
        String service,
        Instant at,
        int currentReplicas,
        int desiredReplicas,
        Direction direction,
        Reason reason,
        Explanation explanation) {

    public ScalingDecision {
        requireNonNull(service, "service is null");
        requireNonNull(at, "at is null");
        requireNonNull(direction, "direction is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(explanation, "explanation is null");
        Direction expected = Direction.of(currentReplicas, desiredReplicas);
        if (direction != expected) {
            throw new IllegalArgumentException(
                    "direction " + direction + " does not match " + currentReplicas + " → " + desiredReplicas);
        }
    }

    public boolean changes() {
        return direction != Direction.NONE;
    }

    /** One line for the log and the event journal. */
    public String describe() {
        return "%s: %d → %d (%s, %s); %s"
                .formatted(
                        service,
                        currentReplicas,
                        desiredReplicas,
                        direction.label(),
                        reason.label(),
                        explanation.describe());
    }

    public enum Direction {
        UP,
        DOWN,
        NONE;

        static Direction of(int current, int desired) {
            return desired > current ? UP : desired < current ? DOWN : NONE;
        }

        /** The {@code direction} label of {@code orbit_autoscaler_decisions_total}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What decided the desired count; the {@code reason} label of {@code orbit_autoscaler_decisions_total}. */
    public enum Reason {
        /** No signal is configured: the service does not autoscale (Orbit's rule). */
        DISABLED,
        /** Signals are configured but none had data this tick (e.g. every pod still warming up): hold. */
        NO_DATA,
        /** The CPU/memory ratio. */
        RESOURCE,
        /** In-flight requests averaged over the stable window. */
        CONCURRENCY,
        /** In-flight requests over the panic window, or a scale-down refused because the service is in panic. */
        PANIC,
        /** CoDel saw a standing queue: it adds pods or holds them. */
        CODEL,
        /** Requests are waiting or in flight, so at least one pod is needed (scale from 0). */
        DEMAND,
        /** A routed service at {@code min: 0} had no request for the idle period. */
        IDLE,
        /** Bounded by {@code instance_count.min}. */
        MIN,
        /** Bounded by {@code instance_count.max}. */
        MAX,
        /** A scale-down held back by a higher recommendation within the stabilisation window. */
        STABILIZING,
        /** The step was cut by the scale-up or scale-down rate policy. */
        RATE_LIMITED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The signal that produced a recommendation. */
    public enum Signal {
        RESOURCE,
        CONCURRENCY,
        CODEL,
        DEMAND
    }

    /**
     * One signal's recommendation.
     *
     * @param formula the inputs and the formula, e.g. {@code cpu_relative: ceil(2 ready × 1.50) = 3}
     */
    public record Reading(Signal signal, int replicas, String formula) {
        public Reading {
            requireNonNull(signal, "signal is null");
            requireNonNull(formula, "formula is null");
        }

        @Override
        public String toString() {
            return signal.name().toLowerCase(Locale.ROOT) + "=" + replicas + " [" + formula + "]";
        }
    }

    /**
     * The steps from signals to the decision.
     *
     * @param signals every signal that recommended something this tick
     * @param recommended the highest recommendation (or the current count when none)
     * @param clamped {@code recommended} clamped to [min, max]
     * @param stabilized the highest clamped recommendation within the stabilisation window
     * @param panic the concurrency signal is in panic mode
     * @param notes anything else that bore on the decision (stats unavailable, a vetoed scale-down, the rate limit)
     */
    public record Explanation(
            List<Reading> signals, int recommended, int clamped, int stabilized, boolean panic, List<String> notes) {
        public Explanation {
            signals = List.copyOf(signals);
            notes = List.copyOf(notes);
        }

        public String describe() {
            String readings = signals.isEmpty()
                    ? "no signal"
                    : signals.stream().map(Reading::toString).collect(Collectors.joining(", "));
            return "signals: " + readings + "; max " + recommended + ", clamped " + clamped + ", stabilised "
                    + stabilized + (panic ? ", panic" : "") + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
        }
    }
}
