package io.orbit.engine.reconcile;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** One change a reconcile pass makes, with the reason that is logged and shown by {@code orbit plan}. */
public sealed interface PlanStep {

    String reason();

    /** Start a new pod in slot {@code podNumber} from the current spec. */
    record StartPod(int podNumber, String reason) implements PlanStep {
        public StartPod {
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

    /** Why containers are restarted. */
    enum Cause {
        /** The container's process ended. */
        EXITED,
        /** The container runs but failed its liveness probe. */
        LIVENESS
    }
}
