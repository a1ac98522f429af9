package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One container as inspected.
 *
 * @param name the name without Docker's leading slash
 * @param image the image reference the container was created from
 * @param imageId the image id without the {@code sha256:} prefix
 * @param exitCode the exit code of the last run, 0 when it never ran
 * @param error the engine's error for the last start, empty when there is none
 * @param networkAddresses the container's IP address on each network it joined (name → address)
 * @param publishedPorts the host ports actually bound (a random port appears here once allocated)
 * @param startedAt when the last run started; empty when it never started
 * @param finishedAt when the last run ended; empty while running or never run
 * @param limits the limits the engine applied (zero where it dropped them, as rootless cgroup v1 does)
 * @param pid the host PID of the container's main process ({@code State.Pid}); 0 when it is not running. It names the
 *     container's namespaces to tools on the host (such as {@code nsenter -t PID -n}); rootless engines report a PID
 *     in the host's PID namespace too, but only their user may enter it
 */
public record ContainerDetails(
        String id,
        String name,
        String image,
        String imageId,
        ContainerState state,
        int exitCode,
        OomStatus oom,
        String error,
        Map<String, String> labels,
        Map<String, String> networkAddresses,
        List<PortBinding> publishedPorts,
        Optional<java.time.Instant> startedAt,
        Optional<java.time.Instant> finishedAt,
        ResourceLimits limits,
        long pid) {

    /** Details without a PID (not running, or an engine that does not say). */
    public ContainerDetails(
            String id,
            String name,
            String image,
            String imageId,
            ContainerState state,
            int exitCode,
            OomStatus oom,
            String error,
            Map<String, String> labels,
            Map<String, String> networkAddresses,
            List<PortBinding> publishedPorts,
            Optional<java.time.Instant> startedAt,
            Optional<java.time.Instant> finishedAt,
            ResourceLimits limits) {
        this(
                id,
                name,
                image,
                imageId,
                state,
                exitCode,
                oom,
                error,
                labels,
                networkAddresses,
                publishedPorts,
                startedAt,
                finishedAt,
                limits,
                0);
    }

    public ContainerDetails {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        requireNonNull(imageId, "imageId is null");
        requireNonNull(state, "state is null");
        requireNonNull(oom, "oom is null");
        requireNonNull(error, "error is null");
        labels = Map.copyOf(labels);
        networkAddresses = Map.copyOf(networkAddresses);
        publishedPorts = List.copyOf(publishedPorts);
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(finishedAt, "finishedAt is null");
        requireNonNull(limits, "limits is null");
        if (pid < 0) {
            throw new IllegalArgumentException("pid is negative: " + pid);
        }
    }

    /** The host port bound to a container port, if published. */
    public Optional<PortBinding> publishedPort(int containerPort) {
        return publishedPorts.stream()
                .filter(port -> port.containerPort() == containerPort)
                .findFirst();
    }

    public @Nullable String label(String key) {
        return labels.get(key);
    }
}
