package io.orbit.interop.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One Orbit container as a Kubernetes container: command as args, env, ports, limits, mounts, probes. */
final class ContainerExport {
    private final ServiceExport export;

    ContainerExport(ServiceExport export) {
        this.export = export;
    }

    Container container(int index, ContainerDefinition definition) {
        ContainerTemplate template = definition.template();
        String field = "spec.containers[" + index + "]";
        ContainerBuilder container = new ContainerBuilder()
                .withName(definition.name())
                .withImage(definition.image())
                .withImagePullPolicy(
                        export.spec.pullPolicy() == ServiceSpec.PullPolicy.Always ? "Always" : "IfNotPresent");
        if (!definition.command().isEmpty()) {
            // Orbit's command replaces the image's CMD and keeps its ENTRYPOINT: Kubernetes calls that args.
            container.withArgs(definition.command());
        }
        new TreeMap<>(definition.env()).forEach((name, value) -> container.addToEnv(new EnvVar(name, value, null)));
        container.withPorts(ports(field, definition));
        limits(container, definition);
        if (definition.privileged()) {
            container.withNewSecurityContext().withPrivileged(true).endSecurityContext();
        }
        mounts(container, field, template);
        new SecretExport(export).container(container, field, definition);
        if (template.networkLimit() != null) {
            networkLimit(field + ".network_limit", template.networkLimit());
        }
        if (template.resourceThresholds() != null) {
            export.warn(
                    field + ".resource_thresholds",
                    "an HPA scales on the pod's containers together; container"
                            + " thresholds are not exported (Orbit never used them either)");
        }
        if (template.healthCheck() != null) {
            new ProbeExport(export).probes(container, field + ".health_check", template.healthCheck());
        }
        return container.build();
    }

    /** Container ports; a target_port (and, for podman kube play, a node_port) is a hostPort. */
    private List<ContainerPort> ports(String field, ContainerDefinition definition) {
        List<ContainerPort> ports = new ArrayList<>();
        for (int p = 0; p < definition.ports().size(); p++) {
            ContainerTemplate.PortSpec port = definition.ports().get(p);
            ContainerPortBuilder built = new ContainerPortBuilder()
                    .withContainerPort(port.port())
                    .withProtocol(
                            port.protocol() == null ? "TCP" : port.protocol().name());
            if (port.targetPort() != null) {
                built.withHostPort(port.targetPort());
                export.warn(
                        field + ".ports[" + p + "].target_port",
                        "a hostPort: it binds " + port.targetPort()
                                + " on whichever node runs the pod, so at most one pod per node");
            } else if (export.options.podman() && port.nodePort() != null) {
                // podman kube play publishes hostPorts; it has no Services: the node port is published directly.
                built.withHostPort(port.nodePort());
                export.warn(
                        field + ".ports[" + p + "].node_port",
                        "podman kube play has no Service: published as hostPort " + port.nodePort()
                                + " of the one pod, without Orbit's load-balancing proxy");
            }
            ContainerPort built2 = built.build();
            if (ports.stream().noneMatch(existing -> existing.equals(built2))) {
                ports.add(built2);
            }
        }
        return ports;
    }

    private static void limits(ContainerBuilder container, ContainerDefinition definition) {
        Map<String, Quantity> limits = new TreeMap<>();
        if (definition.memoryBytes() > 0) {
            limits.put("memory", KubeQuantities.memory(definition.memoryBytes()));
        }
        if (definition.nanoCpus() > 0) {
            limits.put("cpu", KubeQuantities.cpu(definition.nanoCpus()));
        }
        if (!limits.isEmpty()) {
            container.withResources(
                    new ResourceRequirementsBuilder().withLimits(limits).build());
        }
    }

    private void mounts(ContainerBuilder container, String field, ContainerTemplate template) {
        for (int m = 0; m < template.volumeMountsOrEmpty().size(); m++) {
            ContainerTemplate.VolumeMount mount = template.volumeMountsOrEmpty().get(m);
            ServiceSpec.VolumeData volume = export.spec.volumesOrEmpty().get(mount.name());
            boolean configMap = volume != null && volume.hostPath() == null && volume.files() != null;
            if (configMap && mount.subPath() != null && export.options.podman()) {
                export.warn(
                        field + ".volume_mounts[" + m + "].sub_path",
                        "podman kube play (4.3) ignores subPath on a"
                                + " ConfigMap volume: the file appears as " + mount.mountPath() + "/"
                                + mount.subPath()
                                + "; mount the volume on a directory instead");
            }
            if (configMap && !mount.isReadOnly()) {
                export.warn(
                        field + ".volume_mounts[" + m + "].read_only",
                        "ConfigMap volumes are always read-only in"
                                + " Kubernetes; a container cannot write the inline files");
            }
            container.addToVolumeMounts(new VolumeMountBuilder()
                    .withName(KubeQuantities.dnsLabel(mount.name()))
                    .withMountPath(mount.mountPath())
                    .withSubPath(mount.subPath())
                    .withReadOnly(mount.isReadOnly() ? Boolean.TRUE : null)
                    .build());
        }
    }

    private void networkLimit(String field, ContainerTemplate.NetworkLimit limit) {
        if (export.options.podman()) {
            export.warn(field, "podman kube play does not shape bandwidth; not exported");
            return;
        }
        if (limit.ingressRate() != null) {
            export.annotations.merge(
                    "kubernetes.io/ingress-bandwidth",
                    KubeQuantities.rate(limit.ingressRate()),
                    KubeQuantities::sumRates);
        }
        if (limit.egressRate() != null) {
            export.annotations.merge(
                    "kubernetes.io/egress-bandwidth",
                    KubeQuantities.rate(limit.egressRate()),
                    KubeQuantities::sumRates);
        }
        if (limit.ingressBurst() != null || limit.egressBurst() != null) {
            export.warn(field, "the bandwidth annotations have no burst: bursts are not exported");
        }
        export.warn(
                field,
                "exported as the pod's kubernetes.io/*-bandwidth annotations, which the CNI bandwidth plugin"
                        + " enforces for the whole pod (Orbit limits each container)");
    }
}
