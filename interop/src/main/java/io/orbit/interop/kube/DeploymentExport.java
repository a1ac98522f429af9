package io.orbit.interop.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.HostAliasBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** The Deployment (replicas, rolling update, host aliases for siblings) and the Service for node ports. */
final class DeploymentExport {
    private final ServiceExport export;

    DeploymentExport(ServiceExport export) {
        this.export = export;
    }

    Deployment deployment(List<Container> containers) {
        Map<String, String> selector = export.selector();
        DeploymentBuilder deployment = new DeploymentBuilder()
                .withMetadata(export.meta(export.service.name()))
                .withNewSpec()
                .withReplicas(export.service.minInstances())
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(export.labels())
                .withAnnotations(new TreeMap<>(export.annotations))
                .endMetadata()
                .withNewSpec()
                .withContainers(containers)
                .withVolumes(new ArrayList<>(export.podVolumes.values()))
                .withHostAliases(hostAliases())
                .endSpec()
                .endTemplate()
                .endSpec();
        if (!export.options.podman()) {
            ServiceSpec.RollingUpdateConfig update = export.spec.rollingUpdateConfig();
            int surge = update == null || update.maxSurge() == null ? 1 : update.maxSurge();
            int unavailable = update == null || update.maxUnavailable() == null ? 1 : update.maxUnavailable();
            deployment
                    .editSpec()
                    .withNewStrategy()
                    .withType("RollingUpdate")
                    .withNewRollingUpdate()
                    .withMaxSurge(new IntOrString(surge))
                    .withMaxUnavailable(new IntOrString(unavailable))
                    .endRollingUpdate()
                    .endStrategy()
                    .withProgressDeadlineSeconds(export.seconds(
                            "rolling_update_config.timeout",
                            update == null ? null : update.timeout(),
                            Duration.ofSeconds(300)))
                    .endSpec();
            export.warn(
                    "rolling_update_config",
                    "a Deployment whose update misses progressDeadlineSeconds is marked"
                            + " failed but not rolled back: `kubectl rollout undo deployment/" + export.service.name()
                            + "` does what Orbit does by itself");
        } else if (export.service.minInstances() > 1 && hasHostPort(containers)) {
            // Podman 4 starts one pod per replica (NAME-pod-0, -1, ...), but a host port binds once.
            deployment.editSpec().withReplicas(1).endSpec();
            export.warn(
                    "instance_count.min",
                    "the pod publishes host ports, which only one pod can bind: podman kube"
                            + " play runs 1 pod, not " + export.service.minInstances()
                            + " (and has no proxy to balance over"
                            + " several)");
        }
        return deployment.build();
    }

    private static boolean hasHostPort(List<Container> containers) {
        return containers.stream()
                .flatMap(container -> container.getPorts().stream())
                .anyMatch(port -> port.getHostPort() != null);
    }

    private List<HostAlias> hostAliases() {
        // Orbit's siblings reach each other as <service>-<container> (and, in a pod of several, <container>);
        // in a Kubernetes pod they share localhost, so those names point at 127.0.0.1.
        TreeSet<String> names = new TreeSet<>();
        for (ContainerDefinition container : export.service.containers()) {
            names.add(export.service.name() + "-" + container.name());
            if (export.service.containers().size() > 1) {
                names.add(container.name());
            }
        }
        return List.of(new HostAliasBuilder()
                .withIp("127.0.0.1")
                .withHostnames(new ArrayList<>(names))
                .build());
    }

    Optional<Service> nodePortService() {
        List<ServicePort> ports = new ArrayList<>();
        for (int c = 0; c < export.service.containers().size(); c++) {
            ContainerDefinition container = export.service.containers().get(c);
            for (int p = 0; p < container.ports().size(); p++) {
                ContainerTemplate.PortSpec port = container.ports().get(p);
                if (port.nodePort() == null) {
                    continue;
                }
                String name = (port.protocol() == ContainerTemplate.Protocol.UDP ? "udp-" : "tcp-") + port.nodePort();
                ServicePortBuilder built = new ServicePortBuilder()
                        .withName(name)
                        .withPort(port.nodePort())
                        .withTargetPort(new IntOrString(port.port()))
                        .withProtocol(
                                port.protocol() == null
                                        ? "TCP"
                                        : port.protocol().name());
                if (export.options.serviceType() == KubeOptions.ServiceType.NodePort) {
                    if (port.nodePort() >= 30000 && port.nodePort() <= 32767) {
                        built.withNodePort(port.nodePort());
                    } else {
                        export.warn(
                                "spec.containers[" + c + "].ports[" + p + "].node_port",
                                port.nodePort() + " is outside Kubernetes' NodePort range (30000-32767): the"
                                        + " Service listens on " + port.nodePort() + " inside the cluster and"
                                        + " the cluster picks the node port (or use --service-type"
                                        + " LoadBalancer)");
                    }
                }
                ports.add(built.build());
            }
        }
        if (ports.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ServiceBuilder()
                .withMetadata(export.meta(export.service.name()))
                .withNewSpec()
                .withType(export.options.serviceType().name())
                .withSelector(export.selector())
                .withPorts(ports)
                .endSpec()
                .build());
    }
}
