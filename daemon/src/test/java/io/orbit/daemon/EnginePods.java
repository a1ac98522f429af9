package io.orbit.daemon;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.naming.ContainerNames;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.LabelSelector;
import io.orbit.runtime.NetworkDetails;
import io.orbit.runtime.NotFoundException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What the engine really runs, seen through our adapter and the daemon's labels only: the test's independent view of
 * the daemon's work, and its cleanup.
 */
final class EnginePods {

    /** One pod as the engine has it: its containers grouped by {@code orbit.pod}. */
    record Pod(String id, int number, String configHash, int expectedSize, List<ContainerSummary> containers) {
        Pod {
            requireNonNull(id, "id is null");
            containers = List.copyOf(containers);
        }

        boolean isRunning() {
            return containers.size() == expectedSize
                    && containers.stream()
                            .allMatch(container -> container.state().isRunning());
        }

        Set<String> containerIds() {
            return containers.stream().map(ContainerSummary::id).collect(Collectors.toSet());
        }

        /** The pod's container of that name in the service file. */
        ContainerSummary container(String name) {
            return containers.stream()
                    .filter(container -> name.equals(container.labels().get(OrbitLabels.CONTAINER)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no container " + name + " in " + this));
        }

        @Override
        public String toString() {
            return "pod %d %s hash %s: %s"
                    .formatted(
                            number,
                            id,
                            configHash,
                            containers.stream()
                                    .map(container -> container.name() + "=" + container.state())
                                    .toList());
        }
    }

    private final ContainerRuntime runtime;

    EnginePods(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    ContainerRuntime runtime() {
        return runtime;
    }

    /** The service's pods, in slot order, whatever their state. */
    List<Pod> pods(String service) {
        Map<String, List<ContainerSummary>> byPod = new LinkedHashMap<>();
        for (ContainerSummary container : containers(service)) {
            byPod.computeIfAbsent(container.labels().getOrDefault(OrbitLabels.POD, "?"), pod -> new ArrayList<>())
                    .add(container);
        }
        return byPod.entrySet().stream()
                .map(entry -> {
                    Map<String, String> labels = entry.getValue().get(0).labels();
                    return new Pod(
                            entry.getKey(),
                            Integer.parseInt(labels.getOrDefault(OrbitLabels.POD_NUMBER, "-1")),
                            labels.getOrDefault(OrbitLabels.CONFIG_HASH, ""),
                            Integer.parseInt(labels.getOrDefault(OrbitLabels.POD_SIZE, "0")),
                            entry.getValue());
                })
                .sorted(Comparator.comparingInt(Pod::number))
                .toList();
    }

    List<Pod> runningPods(String service) {
        return pods(service).stream().filter(Pod::isRunning).toList();
    }

    List<ContainerSummary> containers(String service) {
        return runtime.listContainers(OrbitLabels.service(service));
    }

    Set<String> containerIds(String service) {
        return containers(service).stream().map(ContainerSummary::id).collect(Collectors.toSet());
    }

    List<NetworkDetails> networks(String service) {
        return runtime.listNetworks(LabelSelector.of(OrbitLabels.SERVICE, service));
    }

    /** True once the engine no longer knows the container (by id). */
    boolean isGone(String containerId) {
        try {
            runtime.inspectContainer(containerId);
            return false;
        } catch (NotFoundException gone) {
            return true;
        }
    }

    /** When each of the services' containers last started, by container id: equal maps mean no restart. */
    Map<String, Optional<Instant>> startTimes(String... services) {
        Map<String, Optional<Instant>> started = new HashMap<>();
        for (String service : services) {
            for (ContainerSummary container : containers(service)) {
                ContainerDetails details = runtime.inspectContainer(container.id());
                started.put(details.id(), details.startedAt());
            }
        }
        return started;
    }

    /**
     * The container's address as the engine reports it: empty for a single-container pod on rootless Podman's default
     * network (slirp4netns gives it none), an IPv4 address otherwise.
     */
    String address(String containerId) {
        return runtime.inspectContainer(containerId).networkAddresses().values().stream()
                .filter(address -> !address.isBlank())
                .findFirst()
                .orElse("");
    }

    Set<String> networkNames(String service) {
        return networks(service).stream().map(NetworkDetails::name).collect(Collectors.toSet());
    }

    /** The per-pod network names these pods should have. */
    static Set<String> podNetworks(String service, List<Pod> pods) {
        return pods.stream()
                .map(pod -> ContainerNames.podNetwork(service, UUID.fromString(pod.id())))
                .collect(Collectors.toSet());
    }

    static Set<String> idsOf(List<Pod> pods) {
        return pods.stream().flatMap(pod -> pod.containerIds().stream()).collect(Collectors.toSet());
    }

    static List<String> containerNames(List<Pod> pods) {
        return pods.stream()
                .flatMap(pod -> pod.containers().stream())
                .map(ContainerSummary::name)
                .toList();
    }

    /**
     * Removes every container and network carrying the service's label; failures are collected, not thrown at the
     * first, so one stuck container does not leak the rest.
     */
    void removeEverythingOf(String service, List<Throwable> failures) {
        try {
            for (ContainerSummary container : containers(service)) {
                try {
                    runtime.removeContainer(container.id());
                } catch (NotFoundException alreadyGone) {
                    // removed meanwhile
                } catch (ContainerRuntimeException e) {
                    failures.add(e);
                }
            }
            for (NetworkDetails network : networks(service)) {
                try {
                    runtime.removeNetwork(network.name());
                } catch (NotFoundException alreadyGone) {
                    // removed meanwhile
                } catch (ContainerRuntimeException e) {
                    failures.add(e);
                }
            }
        } catch (ContainerRuntimeException e) {
            failures.add(e);
        }
    }
}
