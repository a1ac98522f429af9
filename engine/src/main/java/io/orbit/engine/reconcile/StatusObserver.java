package io.orbit.engine.reconcile;

import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.PodTemplateHash;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.NotFoundException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Observes pods with the details only an inspect gives (addresses, published ports). Details of a running container
 * do not change, so they are cached by container id and a container is inspected once per run.
 */
final class StatusObserver {

    private final ContainerRuntime runtime;
    private final PodObserver observer;
    /** Per service, the details of its running containers; rebuilt on every observation, so nothing accumulates. */
    private final Map<String, Map<String, ContainerDetails>> runningDetails = new ConcurrentHashMap<>();

    StatusObserver(ContainerRuntime runtime, PodObserver observer) {
        this.runtime = runtime;
        this.observer = observer;
    }

    /**
     * Forgets the cached details of containers that were restarted in place: same id, but a new start time and, on
     * some engines, a new IP. (A cache hit would keep probing and routing the old address.)
     */
    void forget(String service, java.util.Collection<String> containerIds) {
        runningDetails.computeIfPresent(service, (key, details) -> {
            Map<String, ContainerDetails> kept = new ConcurrentHashMap<>(details);
            kept.keySet().removeAll(containerIds);
            return kept;
        });
    }

    List<PodStatus> observe(String service, Optional<DesiredService> desired) {
        return observe(service, desired, observer.observe(service, desired));
    }

    /** The status of pods read a moment ago ({@link PodObserver#observe(String, Optional)}), with their details. */
    List<PodStatus> observe(String service, Optional<DesiredService> desired, List<ObservedPod> observed) {
        String currentHash = desired.map(DesiredService::configHash).orElse("");
        Map<String, ContainerDetails> previous = runningDetails.getOrDefault(service, Map.of());
        Map<String, ContainerDetails> current = new ConcurrentHashMap<>();
        List<PodStatus> pods = observed.stream()
                .filter(pod -> pod.origin() != ObservedPod.Origin.ORPHAN)
                .map(pod -> new PodStatus(
                        pod.podId(),
                        pod.podNumber(),
                        pod.configHash(),
                        PodTemplateHash.matches(pod.configHash(), currentHash),
                        pod.containers().stream()
                                .map(container -> status(container, previous, current))
                                .toList(),
                        pod.problem()))
                .sorted(java.util.Comparator.comparingInt(PodStatus::podNumber))
                .toList();
        if (current.isEmpty()) {
            runningDetails.remove(service);
        } else {
            runningDetails.put(service, current);
        }
        return pods;
    }

    private ContainerStatus status(
            ObservedContainer container,
            Map<String, ContainerDetails> previous,
            Map<String, ContainerDetails> current) {
        Optional<ContainerDetails> details = details(container, previous, current);
        return new ContainerStatus(
                container.id(),
                container.runtimeName(),
                container.containerName(),
                details.map(ContainerDetails::image).orElse(""),
                details.map(ContainerDetails::state).orElse(container.state()),
                details.map(ContainerDetails::exitCode).orElse(0),
                details.map(ContainerDetails::networkAddresses).orElse(Map.of()),
                details.map(ContainerDetails::publishedPorts).orElse(List.of()),
                details.flatMap(ContainerDetails::startedAt));
    }

    private Optional<ContainerDetails> details(
            ObservedContainer container,
            Map<String, ContainerDetails> previous,
            Map<String, ContainerDetails> current) {
        if (!container.isRunning()) {
            return inspect(container.id());
        }
        ContainerDetails cached = previous.get(container.id());
        Optional<ContainerDetails> details = cached != null ? Optional.of(cached) : inspect(container.id());
        details.filter(found -> found.state().isRunning()).ifPresent(found -> current.put(container.id(), found));
        return details;
    }

    private Optional<ContainerDetails> inspect(String id) {
        try {
            return Optional.of(runtime.inspectContainer(id));
        } catch (NotFoundException gone) {
            return Optional.empty();
        }
    }
}
