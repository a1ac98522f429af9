package io.orbit.engine.reconcile;

import io.orbit.engine.naming.ContainerNames;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodStartException;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.runtime.ConflictException;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.NetworkSpec;
import io.orbit.runtime.NotFoundException;
import io.orbit.runtime.PullProgressListener;
import io.orbit.runtime.ResourceKind;
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
    private final PodContainerSpecs specs;

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
        this.specs = new PodContainerSpecs(ownership, volumes, containerIpsReachable);
    }

    /**
     * A pod just started.
     *
     * @param containerIds its containers' engine ids, by their name in the service file
     */
    public record StartedPod(String podId, Map<String, String> containerIds) {
        public StartedPod {
            containerIds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(containerIds));
        }
    }

    /** Starts one pod of the service in the given slot. */
    public StartedPod startPod(DesiredService service, int podNumber) {
        UUID pod = UUID.randomUUID();
        List<String> created = new ArrayList<>();
        Map<String, String> byName = new java.util.LinkedHashMap<>();
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
                ContainerSpec spec = specs.of(service, podNumber, pod, container, podNetwork);
                String id = createPullingIfAllowed(service, spec);
                created.add(id);
                byName.put(container.name(), id);
            }
            for (String id : created) {
                runtime.startContainer(id);
            }
            return new StartedPod(pod.toString(), byName);
        } catch (PodStartException refused) {
            // refused before the engine saw it (a volume that cannot be prepared): nothing half-started stays
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

    /**
     * Removes the service's pod networks whose pod has no container left (a crash between two steps leaks them).
     *
     * @return whether there was any (a removal that failed is tried again by the next pass)
     */
    public boolean removeLeakedPodNetworks(String service, java.util.Set<String> podsWithContainers) {
        boolean leaked = false;
        for (io.orbit.runtime.NetworkDetails network : runtime.listNetworks(ownership.service(service))) {
            String pod = network.labels().get(OrbitLabels.POD);
            if (pod != null && !podsWithContainers.contains(pod)) {
                leaked = true;
                removePodNetwork(network.name());
                log.atInfo()
                        .addKeyValue("service", service)
                        .addKeyValue("network", network.name())
                        .log("removed a pod network left without containers");
            }
        }
        return leaked;
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
