package io.orbit.engine.persist;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.LabelSelector;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pods running per service, as the engine shows them at the start: the floor of an autoscaled service's count
 * until the autoscaler has a window of fresh data. A pod counts when every one of its containers runs; readiness is
 * not known before the first probes, so a running pod counts as ready (the floor errs on keeping a pod).
 */
public final class RunningPods {

    private RunningPods() {}

    public static Map<String, Integer> count(ContainerRuntime runtime, LabelSelector owned) {
        List<ContainerSummary> containers = runtime.listContainers(owned);
        Map<String, Set<String>> pods = new HashMap<>();
        Set<String> notRunning = new HashSet<>();
        for (ContainerSummary container : containers) {
            String service = container.labels().get(OrbitLabels.SERVICE);
            String pod = container.labels().get(OrbitLabels.POD);
            if (service == null || pod == null) {
                continue;
            }
            pods.computeIfAbsent(service, key -> new HashSet<>()).add(pod);
            if (container.state() != ContainerState.RUNNING) {
                notRunning.add(pod);
            }
        }
        Map<String, Integer> running = new HashMap<>();
        pods.forEach((service, ids) -> running.put(service, (int)
                ids.stream().filter(id -> !notRunning.contains(id)).count()));
        return running;
    }
}
