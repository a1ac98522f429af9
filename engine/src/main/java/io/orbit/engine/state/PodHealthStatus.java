package io.orbit.engine.state;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What health says about a pod in {@code /status}.
 *
 * @param phase {@code Ready}, {@code Starting}, {@code Unhealthy}, {@code BackOff} (waiting to restart), {@code
 *     CrashLoop} or {@code Down}
 * @param restartCount restarts and replacements of the pod's slot under its current spec
 * @param nextRestartAt when a held-back restart may happen, if one is held back
 * @param containers the health of each probed container's current run, by container id
 */
public record PodHealthStatus(
        String phase,
        int restartCount,
        Optional<Instant> lastRestart,
        Optional<String> lastRestartReason,
        Optional<Instant> nextRestartAt,
        Map<String, ContainerHealthStatus> containers) {

    public static final PodHealthStatus NONE =
            new PodHealthStatus("Ready", 0, Optional.empty(), Optional.empty(), Optional.empty(), Map.of());

    public PodHealthStatus {
        requireNonNull(phase, "phase is null");
        requireNonNull(lastRestart, "lastRestart is null");
        requireNonNull(lastRestartReason, "lastRestartReason is null");
        requireNonNull(nextRestartAt, "nextRestartAt is null");
        containers = Map.copyOf(containers);
    }

    /**
     * Orbit's {@code health_status} fields of one container run, plus why it last exited.
     *
     * @param state Orbit's names: {@code Starting}, {@code Healthy}, {@code Unhealthy}, {@code Failed}
     */
    public record ContainerHealthStatus(
            String state,
            Optional<String> lastState,
            Instant lastTransition,
            long failureCount,
            Optional<Instant> lastFailure,
            Optional<String> message,
            Optional<String> lastExit) {

        public ContainerHealthStatus {
            requireNonNull(state, "state is null");
            requireNonNull(lastState, "lastState is null");
            requireNonNull(lastTransition, "lastTransition is null");
            requireNonNull(lastFailure, "lastFailure is null");
            requireNonNull(message, "message is null");
            requireNonNull(lastExit, "lastExit is null");
        }
    }
}
