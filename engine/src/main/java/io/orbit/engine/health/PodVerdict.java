package io.orbit.engine.health;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What health says about one pod, for the reconciler's plan.
 *
 * @param ready true when every container with probes passed them (containers without probes: while they run)
 * @param action what health asks for, if anything
 * @param restartAllowedAt the back-off: no restart or replacement of this slot before then
 * @param crashLoop the slot restarted too often: it is retried only every back-off cap, and does not count as running
 */
public record PodVerdict(boolean ready, Optional<Action> action, Instant restartAllowedAt, boolean crashLoop) {

    /** A pod health knows nothing against. */
    public static final PodVerdict FINE = new PodVerdict(true, Optional.empty(), Instant.EPOCH, false);

    public PodVerdict {
        requireNonNull(action, "action is null");
        requireNonNull(restartAllowedAt, "restartAllowedAt is null");
    }

    /** What health asks the reconciler to do. */
    public sealed interface Action {
        String reason();

        /** Liveness failed: restart these containers (the pod is already out of traffic). */
        record RestartContainers(List<String> containerIds, String reason) implements Action {
            public RestartContainers {
                containerIds = List.copyOf(containerIds);
                requireNonNull(reason, "reason is null");
            }
        }

        /** Startup failed: replace the pod. */
        record ReplacePod(String reason) implements Action {
            public ReplacePod {
                requireNonNull(reason, "reason is null");
            }
        }
    }
}
