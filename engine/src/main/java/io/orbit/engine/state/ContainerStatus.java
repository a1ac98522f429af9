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

    /**
     * Where the host reaches a container port: the container IP where the host can route to it ({@code
     * ipsReachable}), else the port published for it, on 127.0.0.1 when published on all interfaces.
     */
    public Optional<Endpoint> endpoint(int containerPort, boolean ipsReachable) {
        if (ipsReachable) {
            Optional<String> ip = ipAddress();
            if (ip.isPresent()) {
                return Optional.of(new Endpoint(ip.get(), containerPort));
            }
        }
        return publishedPorts.stream()
                .filter(binding ->
                        binding.containerPort() == containerPort && binding.protocol() == PortBinding.Protocol.TCP)
                .findFirst()
                .map(binding -> new Endpoint(
                        binding.hostIp().equals("0.0.0.0") || binding.hostIp().isEmpty()
                                ? "127.0.0.1"
                                : binding.hostIp(),
                        binding.hostPort()));
    }
}
