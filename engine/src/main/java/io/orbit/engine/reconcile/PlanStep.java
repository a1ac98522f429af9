package io.orbit.engine.reconcile;

import static java.util.Objects.requireNonNull;

/** One change a reconcile pass makes, with the reason that is logged and shown by {@code orbit plan}. */
public sealed interface PlanStep {

    String reason();

    /** Start a new pod in slot {@code podNumber} from the current spec. */
    record StartPod(int podNumber, String reason) implements PlanStep {
        public StartPod {
            requireNonNull(reason, "reason is null");
        }
    }

    /** Remove every container and the per-pod network of a pod. */
    record RemovePod(ObservedPod pod, String reason) implements PlanStep {
        public RemovePod {
            requireNonNull(pod, "pod is null");
            requireNonNull(reason, "reason is null");
        }
    }
}
