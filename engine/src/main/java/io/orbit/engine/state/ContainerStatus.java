package io.orbit.engine.state;

import static java.util.Objects.requireNonNull;

import io.orbit.runtime.ContainerState;
import io.orbit.runtime.PortBinding;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One container as last observed, with the details an inspect gives (addresses, published ports). */
public record ContainerStatus(
        String id,
        String runtimeName,
        String containerName,
        String image,
        ContainerState state,
        int exitCode,
        Map<String, String> networkAddresses,
        List<PortBinding> publishedPorts,
        Optional<Instant> startedAt) {

    public ContainerStatus {
        requireNonNull(id, "id is null");
        requireNonNull(runtimeName, "runtimeName is null");
        requireNonNull(containerName, "containerName is null");
        requireNonNull(image, "image is null");
        requireNonNull(state, "state is null");
        networkAddresses = Map.copyOf(networkAddresses);
        publishedPorts = List.copyOf(publishedPorts);
        requireNonNull(startedAt, "startedAt is null");
    }

    /** The first network address, as Orbit reports it. */
    public Optional<String> ipAddress() {
        return networkAddresses.values().stream()
                .filter(address -> !address.isBlank())
                .findFirst();
    }
}
