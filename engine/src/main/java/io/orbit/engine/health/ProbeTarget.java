package io.orbit.engine.health;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.state.Endpoint;
import java.util.Map;
import java.util.Optional;

/**
 * Where the host reaches one container's probed ports: the container IP where the host can route to it, otherwise
 * the port published on 127.0.0.1 (rootless Podman).
 *
 * @param forwarded the ports are published through a port forwarder (rootless Podman's rootlessport), which accepts a
 *     connection on the host whether or not anything listens in the container, and then closes it
 */
public record ProbeTarget(String containerId, Map<Integer, Endpoint> ports, boolean forwarded) {

    public ProbeTarget {
        requireNonNull(containerId, "containerId is null");
        ports = Map.copyOf(ports);
    }

    public ProbeTarget(String containerId, Map<Integer, Endpoint> ports) {
        this(containerId, ports, false);
    }

    public Optional<Endpoint> port(int containerPort) {
        return Optional.ofNullable(ports.get(containerPort));
    }
}
