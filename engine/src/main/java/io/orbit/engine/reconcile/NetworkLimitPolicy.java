package io.orbit.engine.reconcile;

import io.orbit.engine.netlimit.NetworkLimit;
import io.orbit.engine.netlimit.NetworkLimitSupport;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.state.DesiredService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code network_limit} in the plan: a new pod's limited containers are limited right after they start, and a
 * container restarted in place is limited again (its labels decide, so a pod adopted from an earlier daemon is limited
 * as it was created). Where this host cannot enforce a limit, the pod is refused before anything of it exists, rather
 * than started unlimited; a restarted container's limit that cannot be applied is reported by the enforcer instead
 * (the container already exists and runs).
 */
final class NetworkLimitPolicy {

    private NetworkLimitPolicy() {}

    /** @param support empty: this pass enforces no limits (none wired), the steps are returned as they are */
    static List<PlanStep> apply(
            Optional<DesiredService> target, List<PlanStep> steps, Optional<NetworkLimitSupport> support) {
        if (support.isEmpty()) {
            return steps;
        }
        List<PlanStep> limited = new ArrayList<>();
        for (PlanStep step : steps) {
            switch (step) {
                case PlanStep.StartPod start -> limited.add(start(target.orElseThrow(), start, support.get()));
                case PlanStep.RestartContainers restart -> {
                    limited.add(restart);
                    for (ObservedContainer container : restart.containers()) {
                        NetworkLimit.fromLabels(container.labels())
                                .ifPresent(limit ->
                                        limited.add(new PlanStep.LimitNetwork(restart.pod(), container, limit)));
                    }
                }
                default -> limited.add(step);
            }
        }
        return limited;
    }

    private static PlanStep start(DesiredService target, PlanStep.StartPod start, NetworkLimitSupport support) {
        Map<String, NetworkLimit> limits = new LinkedHashMap<>();
        for (ContainerDefinition container : target.definition().containers()) {
            NetworkLimit.of(container.template().networkLimit())
                    .ifPresent(limit -> limits.put(container.name(), limit));
        }
        if (limits.isEmpty()) {
            return start;
        }
        if (!support.available()) {
            Map.Entry<String, NetworkLimit> first = limits.entrySet().iterator().next();
            return new PlanStep.RefuseStart(
                    start.podNumber(),
                    "cannot start pod %d of service '%s' (%s): network_limit of container '%s' (%s) cannot be enforced here: %s; the daemon does not start it unlimited. Fix: %s"
                            .formatted(
                                    start.podNumber(),
                                    target.name(),
                                    target.definition().file(),
                                    first.getKey(),
                                    first.getValue().describe(),
                                    support.problem(),
                                    support.fix()));
        }
        return new PlanStep.StartPod(start.podNumber(), start.reason(), limits);
    }
}
