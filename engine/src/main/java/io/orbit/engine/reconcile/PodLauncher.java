package io.orbit.engine.reconcile;

import io.orbit.engine.health.HealthPolicy;
import io.orbit.engine.naming.ContainerNames;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.netlimit.NetworkLimit;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.runtime.ConflictException;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.NetworkAttachment;
import io.orbit.runtime.NetworkSpec;
import io.orbit.runtime.NotFoundException;
import io.orbit.runtime.PortBinding;
import io.orbit.runtime.PullProgressListener;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.ResourceLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and removes pods: the runtime calls behind {@link PlanStep}s, with no decisions of its own. A pod that
 * fails half-way is removed again before the failure is reported, so nothing leaks.
 */
public final class PodLauncher {

    private static final Logger log = LoggerFactory.getLogger(PodLauncher.class);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final ContainerRuntime runtime;
    private final Ownership ownership;
    private final PodDrainer drainer;
    private final PodVolumes volumes;
    private final BooleanSupplier containerIpsReachable;

    /** Inline files go below Orbit's default {@code --volume-dir}, {@code ./volumes}. */
    public PodLauncher(ContainerRuntime runtime, Ownership ownership, PodDrainer drainer) {
        this(
                runtime,
                ownership,
                drainer,
                new PodVolumes(runtime, ownership, Path.of("volumes"), InstantSource.system()));
    }

    public PodLauncher(ContainerRuntime runtime, Ownership ownership, PodDrainer drainer, PodVolumes volumes) {
        this(runtime, ownership, drainer, volumes, () -> true);
    }

    /**
     * @param containerIpsReachable false where the host cannot route to container IPs (rootless Podman): the ports
     *     health checks probe are then published on random loopback ports, as node ports are
     */
    public PodLauncher(
            ContainerRuntime runtime,
            Ownership ownership,
            PodDrainer drainer,
            PodVolumes volumes,
            BooleanSupplier containerIpsReachable) {
        this.runtime = runtime;
        this.ownership = ownership;
        this.drainer = drainer;
        this.volumes = volumes;
        this.containerIpsReachable = containerIpsReachable;
    }

    /** Starts one pod of the service in the given slot and returns its id. */
    public String startPod(DesiredService service, int podNumber) {
        UUID pod = UUID.randomUUID();
        List<String> created = new ArrayList<>();
        Optional<String> podNetwork = Optional.empty();
        try {
            service.definition().userNetwork().ifPresent(this::ensureUserNetwork);
            if (service.definition().userNetwork().isEmpty() && service.podSize() > 1) {
                String network = ContainerNames.podNetwork(service.name(), pod);
                runtime.createNetwork(
                        new NetworkSpec(network, ownership.podNetworkLabels(service.name(), pod.toString())));
                podNetwork = Optional.of(network);
            }
            for (ContainerDefinition container : service.definition().containers()) {
                ContainerSpec spec = containerSpec(service, podNumber, pod, container, podNetwork);
                created.add(createPullingIfAllowed(service, spec));
            }
            for (String id : created) {
                runtime.startContainer(id);
            }
            return pod.toString();
        } catch (PodStartException refused) {
            // refused before the engine saw it (a network limit this host cannot enforce): nothing half-started stays
            removeQuietly(created, podNetwork);
            throw new PodStartException(
                    "cannot start pod %d of service '%s' (%s): %s"
                            .formatted(
                                    podNumber,
                                    service.name(),
                                    service.definition().file(),
                                    refused.getMessage()),
                    refused);
        } catch (ContainerRuntimeException e) {
            removeQuietly(created, podNetwork);
            throw new PodStartException(
                    "cannot start pod %d of service '%s': %s".formatted(podNumber, service.name(), explain(service, e)),
                    e);
        }
    }

    /**
     * Drains the pod, then removes its containers (without waiting for their stop timeout: the drain already let
     * in-flight requests finish) and its per-pod network.
     */
    public void removePod(String service, ObservedPod pod) {
        drainer.drain(service, pod.podId());
        for (ObservedContainer container : pod.containers()) {
            try {
                runtime.removeContainer(container.id());
            } catch (NotFoundException alreadyGone) {
                // removed behind our back or by an earlier pass: the goal is reached
            }
        }
        removePodNetwork(ContainerNames.podNetwork(service, UUID.fromString(pod.podId())));
    }

    /**
     * Starts containers of a pod again in place. Running ones (failing liveness) are drained with their pod first when
     * {@code drainFirst}, then stopped within the stop timeout; exited ones are just started.
     */
    public void restartContainers(
            String service, ObservedPod pod, List<ObservedContainer> containers, boolean drainFirst) {
        if (drainFirst) {
            drainer.drain(service, pod.podId());
        }
        for (ObservedContainer container : containers) {
            if (container.isRunning()) {
                runtime.stopContainer(container.id(), STOP_TIMEOUT);
            }
            runtime.startContainer(container.id());
        }
    }

    /** Removes the service's pod networks whose pod has no container left (a crash between two steps leaks them). */
    public void removeLeakedPodNetworks(String service, java.util.Set<String> podsWithContainers) {
        for (io.orbit.runtime.NetworkDetails network : runtime.listNetworks(ownership.service(service))) {
            String pod = network.labels().get(OrbitLabels.POD);
            if (pod != null && !podsWithContainers.contains(pod)) {
                removePodNetwork(network.name());
                log.atInfo()
                        .addKeyValue("service", service)
                        .addKeyValue("network", network.name())
                        .log("removed a pod network left without containers");
            }
        }
    }

    private void removePodNetwork(String network) {
        try {
            runtime.removeNetwork(network);
        } catch (NotFoundException noPodNetwork) {
            // single-container pods and pods on a user network have none
        } catch (ConflictException stillInUse) {
            log.atWarn().addKeyValue("network", network).log("pod network still in use; the next pass retries");
        }
    }

    private ContainerSpec containerSpec(
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
                .stopTimeout(STOP_TIMEOUT);
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

    private String createPullingIfAllowed(DesiredService service, ContainerSpec spec) {
        try {
            return runtime.createContainer(spec);
        } catch (NotFoundException e) {
            if (e.kind() != ResourceKind.IMAGE
                    || service.definition().spec().pullPolicy() != ServiceSpec.PullPolicy.Always) {
                throw e;
            }
            log.atInfo()
                    .addKeyValue("service", service.name())
                    .addKeyValue("image", spec.image())
                    .log("pulling missing image (pull_policy: Always)");
            runtime.pullImage(spec.image(), PullProgressListener.IGNORE);
            return runtime.createContainer(spec);
        }
    }

    private void ensureUserNetwork(String network) {
        try {
            runtime.createNetwork(new NetworkSpec(network, Map.of(OrbitLabels.MANAGED, "true")));
        } catch (ConflictException exists) {
            // a user network is shared: created by another service, by hand, or by an earlier pass
        }
    }

    private static String explain(DesiredService service, ContainerRuntimeException e) {
        if (e instanceof NotFoundException notFound && notFound.kind() == ResourceKind.IMAGE) {
            return "image '%s' is not present in the engine; build or pull it, or set pull_policy: Always in %s"
                    .formatted(notFound.name(), service.definition().file());
        }
        return Objects.requireNonNullElse(e.getMessage(), e.toString());
    }

    private void removeQuietly(List<String> containers, Optional<String> network) {
        for (String id : containers) {
            try {
                runtime.removeContainer(id);
            } catch (ContainerRuntimeException e) {
                log.atWarn().addKeyValue("container", id).log("cleanup of a failed pod failed: " + e.getMessage());
            }
        }
        network.ifPresent(this::removePodNetwork);
    }
}
