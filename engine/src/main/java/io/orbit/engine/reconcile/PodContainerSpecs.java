package io.orbit.engine.reconcile;

import io.orbit.engine.health.HealthPolicy;
import io.orbit.engine.naming.ContainerNames;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.netlimit.NetworkLimit;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.NetworkAttachment;
import io.orbit.runtime.PortBinding;
import io.orbit.runtime.ResourceLimits;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The engine spec of one container of a new pod: its name, Orbit's labels (ownership, slot, config hash, network
 * limit), limits, published ports, networks, volume mounts (inline files are written on the way), {@code env_file}
 * variables and secrets (secret objects or files are created on the way).
 */
record PodContainerSpecs(Ownership ownership, PodVolumes volumes, BooleanSupplier containerIpsReachable) {

    ContainerSpec of(
            DesiredService service,
            int podNumber,
            UUID pod,
            ContainerDefinition container,
            Optional<String> podNetwork) {
        String name = ContainerNames.container(service.name(), podNumber, container.name(), pod);
        ContainerSpec.Builder spec = ContainerSpec.builder(name, container.image())
                .command(container.command())
                .env(container.env())
                .labels(Map.of(
                        OrbitLabels.MANAGED, "true",
                        OrbitLabels.INSTANCE, ownership.instance(),
                        OrbitLabels.SERVICE, service.name(),
                        OrbitLabels.POD, pod.toString(),
                        OrbitLabels.POD_NUMBER, Integer.toString(podNumber),
                        OrbitLabels.CONTAINER, container.name(),
                        OrbitLabels.CONFIG_HASH, service.configHash(),
                        OrbitLabels.POD_SIZE, Integer.toString(service.podSize())))
                .labels(NetworkLimit.of(container.template().networkLimit())
                        .map(NetworkLimit::labels)
                        .orElse(Map.of()))
                .limits(new ResourceLimits(container.memoryBytes(), container.nanoCpus()))
                .privileged(container.privileged())
                .stopTimeout(PodLauncher.STOP_TIMEOUT);
        for (ContainerTemplate.PortSpec port : container.ports()) {
            publish(port).ifPresent(spec::port);
        }
        // Asked only when there is something to publish: the answer comes from the engine's info, which the daemon
        // reads in the background at start-up, and most containers should not wait for it.
        List<Integer> probed = probedPortsToPublish(container);
        if (!probed.isEmpty() && !containerIpsReachable.getAsBoolean()) {
            probed.forEach(port -> spec.port(PortBinding.loopbackRandom(port)));
        }
        String orbitAlias = ContainerNames.orbitAlias(service.name(), container.name());
        service.definition()
                .userNetwork()
                .ifPresent(network -> spec.network(NetworkAttachment.of(network, orbitAlias)));
        podNetwork.ifPresent(network -> spec.network(NetworkAttachment.of(network, container.name(), orbitAlias)));
        volumes.mounts(service, container).forEach(spec::mount);
        volumes.secrets().apply(service, container, spec);
        return spec.build();
    }

    /** Ports a health check probes that no {@code target_port} or {@code node_port} publishes already. */
    private static List<Integer> probedPortsToPublish(ContainerDefinition container) {
        List<Integer> published = container.ports().stream()
                .filter(port -> port.targetPort() != null || port.nodePort() != null)
                .map(ContainerTemplate.PortSpec::port)
                .toList();
        return HealthPolicy.cachedOf(container.template().healthCheck())
                .map(HealthPolicy::probedPorts)
                .orElse(List.of())
                .stream()
                .distinct()
                .filter(port -> !published.contains(port))
                .toList();
    }

    /**
     * {@code target_port} publishes on all interfaces as Orbit does; a {@code node_port} alone publishes on a random
     * loopback port, which is how the proxy reaches containers whose IP the host cannot route (rootless Podman).
     */
    private static Optional<PortBinding> publish(ContainerTemplate.PortSpec port) {
        if (port.targetPort() != null) {
            return Optional.of(new PortBinding(port.port(), PortBinding.Protocol.TCP, "0.0.0.0", port.targetPort()));
        }
        if (port.nodePort() != null) {
            return Optional.of(PortBinding.loopbackRandom(port.port()));
        }
        return Optional.empty();
    }
}
