package io.orbit.interop.kube;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How {@link KubeExporter} writes: the namespace of every object, the type of the Services for node ports, and
 * {@code podman}: only what {@code podman kube play} honours.
 */
public record KubeOptions(Optional<String> namespace, ServiceType serviceType, boolean podman) {

    public enum ServiceType {
        NodePort,
        LoadBalancer,
        ClusterIP
    }

    public KubeOptions {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(serviceType, "serviceType is null");
    }

    public static KubeOptions defaults() {
        return new KubeOptions(Optional.empty(), ServiceType.NodePort, false);
    }
}
