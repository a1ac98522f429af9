package io.orbit.engine.reconcile;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a service's pods from the runtime, by labels only: never by name patterns. */
public final class PodObserver {

    private final ContainerRuntime runtime;

    public PodObserver(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    public List<ObservedPod> observe(String service) {
        return group(runtime.listContainers(OrbitLabels.service(service)));
    }

    /** Groups containers into pods by their {@code orbit.pod} label; unlabelled strays form no pod. */
    static List<ObservedPod> group(List<ContainerSummary> containers) {
        Map<String, List<ContainerSummary>> byPod = new LinkedHashMap<>();
        for (ContainerSummary container : containers) {
            String pod = container.labels().get(OrbitLabels.POD);
            if (pod != null) {
                byPod.computeIfAbsent(pod, key -> new ArrayList<>()).add(container);
            }
        }
        List<ObservedPod> pods = new ArrayList<>();
        byPod.forEach((podId, members) -> {
            Map<String, String> labels = members.get(0).labels();
            List<ObservedContainer> observed = members.stream()
                    .map(member -> new ObservedContainer(
                            member.id(),
                            member.name(),
                            member.labels().getOrDefault(OrbitLabels.CONTAINER, member.name()),
                            member.state(),
                            member.labels()))
                    .toList();
            pods.add(new ObservedPod(
                    podId,
                    parseInt(labels.get(OrbitLabels.POD_NUMBER), 0),
                    PodTemplateHash.labelOr(labels, OrbitLabels.CONFIG_HASH, ""),
                    parseInt(labels.get(OrbitLabels.POD_SIZE), members.size()),
                    observed));
        });
        return pods;
    }

    private static int parseInt(String value, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
