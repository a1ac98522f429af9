package io.orbit.engine.reconcile;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.netlimit.NetworkLimit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One thing a reconcile pass does, with the reason that is logged and shown by {@code orbit plan}. Pod steps change
 * the engine; the others (network limits, journal entries) are part of the plan too, so nothing a pass does happens
 * outside it.
 */
public sealed interface PlanStep {

    String reason();

    /**
     * Start a new pod in slot {@code podNumber} from the current spec.
     *
     * @param networkLimits the limits applied (with {@code tc}) to these containers, by name, right after the pod's
     *     containers start and before the pod gets traffic
     */
    record StartPod(int podNumber, String reason, Map<String, NetworkLimit> networkLimits) implements PlanStep {
        public StartPod {
            requireNonNull(reason, "reason is null");
            networkLimits = Map.copyOf(networkLimits);
        }

        public StartPod(int podNumber, String reason) {
            this(podNumber, reason, Map.of());
        }
    }

    /**
     * A pod the plan would start but this host cannot start as specified (a {@code network_limit} it cannot enforce):
     * applying it fails the pass with the reason and its fix, and the queue retries with back-off; the pod is never
     * started unlimited.
     */
    record RefuseStart(int podNumber, String reason) implements PlanStep {
        public RefuseStart {
            requireNonNull(reason, "reason is null");
        }
    }

    /**
     * Remove every container and the per-pod network of a pod.
     *
     * @param startupFailure the pod is replaced because it never became ready: counts as a restart of its slot
     */
    record RemovePod(ObservedPod pod, String reason, boolean startupFailure) implements PlanStep {
        public RemovePod {
            requireNonNull(pod, "pod is null");
            requireNonNull(reason, "reason is null");
        }

        public RemovePod(ObservedPod pod, String reason) {
            this(pod, reason, false);
        }
    }

    /**
     * Start these containers of a pod again, in place: exited ones are started, running ones (failing liveness) are
     * stopped first. The pod keeps its slot, name and siblings.
     */
    record RestartContainers(ObservedPod pod, List<ObservedContainer> containers, String reason, Cause cause)
            implements PlanStep {
        public RestartContainers {
            requireNonNull(pod, "pod is null");
            containers = List.copyOf(containers);
            requireNonNull(reason, "reason is null");
            requireNonNull(cause, "cause is null");
        }
    }

    /** Apply a container's network limit again after a restart in place (a new process, a new network namespace). */
    record LimitNetwork(ObservedPod pod, ObservedContainer container, NetworkLimit limit) implements PlanStep {
        public LimitNetwork {
            requireNonNull(pod, "pod is null");
            requireNonNull(container, "container is null");
            requireNonNull(limit, "limit is null");
        }

        @Override
        public String reason() {
            return "container '%s' of pod %d restarted: network_limit %s again"
                    .formatted(container.containerName(), pod.podNumber(), limit.describe());
        }
    }

    /** Report a container exit seen for the first time (journal, log, metrics), and remember its cause. */
    record ReportExit(Observation.ContainerExit exit) implements PlanStep {
        public ReportExit {
            requireNonNull(exit, "exit is null");
        }

        @Override
        public String reason() {
            return exit.describe();
        }
    }

    /**
     * A journal entry (and log line) the pass writes: what a rollout started, completed or failed.
     *
     * @param warning logged as a warning rather than as information
     */
    record Note(String kind, Optional<String> podId, String reason, boolean warning) implements PlanStep {
        public Note {
            requireNonNull(kind, "kind is null");
            requireNonNull(podId, "podId is null");
            requireNonNull(reason, "reason is null");
        }
    }

    /** Why containers are restarted. */
    enum Cause {
        /** The container's process ended. */
        EXITED,
        /** The container runs but failed its liveness probe. */
        LIVENESS
    }
}
