package io.orbit.runtime.docker.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.OomStatus;
import io.orbit.runtime.PortBinding;
import io.orbit.runtime.ResourceLimits;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.http.EngineResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Docker's container inspect and list answers, mapped to {@link ContainerDetails} and {@link ContainerSummary}. */
public final class ContainerMapping {

    /** Docker's "never": Go's zero time, written for a container that never started or never finished. */
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private ContainerMapping() {}

    /** Maps {@code GET /containers/{id}/json}. */
    public static ContainerDetails details(Target target, EngineResponse response) {
        Inspect inspect = DockerApi.decode(target, response, Inspect.class);
        ContainerState state = ContainerState.fromEngineStatus(inspect.state().status());
        Optional<Instant> finishedAt =
                state.isRunning() ? Optional.empty() : instant(inspect.state().finishedAt());
        HostConfig hostConfig = inspect.hostConfig() == null ? new HostConfig(0, 0) : inspect.hostConfig();
        NetworkSettings network =
                inspect.networkSettings() == null ? new NetworkSettings(null, null) : inspect.networkSettings();
        return new ContainerDetails(
                inspect.id(),
                stripSlash(inspect.name()),
                inspect.config().image(),
                stripDigestPrefix(inspect.image()),
                state,
                inspect.state().exitCode(),
                inspect.state().oomKilled() ? OomStatus.KILLED : OomStatus.NOT_KILLED,
                inspect.state().error() == null ? "" : inspect.state().error(),
                orEmpty(inspect.config().labels()),
                addresses(network),
                publishedPorts(network),
                instant(inspect.state().startedAt()),
                finishedAt,
                new ResourceLimits(hostConfig.memory(), hostConfig.nanoCpus()),
                state.isRunning() ? Math.max(0, inspect.state().pid()) : 0);
    }

    /** Maps {@code GET /containers/json?all=true&filters=…}. */
    public static List<ContainerSummary> summaries(Target target, EngineResponse response) {
        Summary[] summaries = DockerApi.decode(target, response, Summary[].class);
        List<ContainerSummary> result = new ArrayList<>(summaries.length);
        for (Summary summary : summaries) {
            String name = summary.names() == null || summary.names().isEmpty()
                    ? summary.id()
                    : stripSlash(summary.names().getFirst());
            result.add(new ContainerSummary(
                    summary.id(),
                    name,
                    summary.image(),
                    ContainerState.fromEngineStatus(summary.state()),
                    orEmpty(summary.labels())));
        }
        return result;
    }

    /** Only networks where the container has an address: a created container has joined none yet. */
    private static Map<String, String> addresses(NetworkSettings network) {
        Map<String, String> addresses = new LinkedHashMap<>();
        if (network.networks() != null) {
            network.networks().forEach((name, endpoint) -> {
                if (endpoint.ipAddress() != null && !endpoint.ipAddress().isBlank()) {
                    addresses.put(name, endpoint.ipAddress());
                }
            });
        }
        return addresses;
    }

    /** {@code NetworkSettings.Ports}: random host ports show up here once allocated, that is while running. */
    private static List<PortBinding> publishedPorts(NetworkSettings network) {
        List<PortBinding> ports = new ArrayList<>();
        if (network.ports() == null) {
            return ports;
        }
        network.ports().forEach((key, bindings) -> {
            if (bindings == null) {
                return; // exposed, not published
            }
            String[] portAndProtocol = key.split("/", 2);
            int containerPort = Integer.parseInt(portAndProtocol[0]);
            PortBinding.Protocol protocol =
                    PortBinding.Protocol.fromWireName(portAndProtocol.length > 1 ? portAndProtocol[1] : "tcp");
            for (HostPort binding : bindings) {
                if (binding.hostPort() != null && !binding.hostPort().isBlank()) {
                    String hostIp =
                            binding.hostIp() == null || binding.hostIp().isBlank() ? "0.0.0.0" : binding.hostIp();
                    ports.add(new PortBinding(containerPort, protocol, hostIp, Integer.parseInt(binding.hostPort())));
                }
            }
        });
        return ports;
    }

    static Optional<Instant> instant(@Nullable String time) {
        if (time == null || time.isBlank() || time.equals(ZERO_TIME)) {
            return Optional.empty();
        }
        return Optional.of(Instant.parse(time));
    }

    static String stripSlash(String name) {
        return name.startsWith("/") ? name.substring(1) : name;
    }

    static String stripDigestPrefix(String id) {
        return id.startsWith("sha256:") ? id.substring("sha256:".length()) : id;
    }

    static Map<String, String> orEmpty(@Nullable Map<String, String> labels) {
        return labels == null ? Map.of() : labels;
    }

    record Inspect(
            @JsonProperty("Id") String id,
            @JsonProperty("Name") String name,
            @JsonProperty("Image") String image,
            @JsonProperty("State") State state,
            @JsonProperty("Config") Config config,
            @JsonProperty("HostConfig") @Nullable HostConfig hostConfig,
            @JsonProperty("NetworkSettings") @Nullable NetworkSettings networkSettings) {}

    record State(
            @JsonProperty("Status") String status,
            @JsonProperty("ExitCode") int exitCode,
            @JsonProperty("Pid") long pid,
            @JsonProperty("OOMKilled") boolean oomKilled,
            @JsonProperty("Error") @Nullable String error,
            @JsonProperty("StartedAt") @Nullable String startedAt,
            @JsonProperty("FinishedAt") @Nullable String finishedAt) {}

    record Config(
            @JsonProperty("Image") String image,
            @JsonProperty("Labels") @Nullable Map<String, String> labels) {}

    record HostConfig(
            @JsonProperty("Memory") long memory,
            @JsonProperty("NanoCpus") long nanoCpus) {}

    record NetworkSettings(
            @JsonProperty("Ports") @Nullable Map<String, @Nullable List<HostPort>> ports,
            @JsonProperty("Networks") @Nullable Map<String, Endpoint> networks) {}

    record HostPort(
            @JsonProperty("HostIp") @Nullable String hostIp,
            @JsonProperty("HostPort") @Nullable String hostPort) {}

    record Endpoint(@JsonProperty("IPAddress") @Nullable String ipAddress) {}

    record Summary(
            @JsonProperty("Id") String id,
            @JsonProperty("Names") @Nullable List<String> names,
            @JsonProperty("Image") String image,
            @JsonProperty("State") String state,
            @JsonProperty("Labels") @Nullable Map<String, String> labels) {}
}
