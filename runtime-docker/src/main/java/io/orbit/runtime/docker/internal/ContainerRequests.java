package io.orbit.runtime.docker.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.Mount;
import io.orbit.runtime.NetworkAttachment;
import io.orbit.runtime.PortBinding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The request bodies of container creation. API 1.41 takes one endpoint at create, so the first network goes into
 * {@code NetworkingConfig} and every further one is connected with {@link #connect} before the container starts.
 */
public final class ContainerRequests {

    private ContainerRequests() {}

    /** The body of {@code POST /containers/create?name=N}. */
    public static Object create(ContainerSpec spec) {
        Optional<NetworkAttachment> first = spec.networks().stream().findFirst();
        return new Create(
                spec.image(),
                spec.command().isEmpty() ? null : spec.command(),
                spec.env().entrySet().stream()
                        .map(variable -> variable.getKey() + "=" + variable.getValue())
                        .sorted()
                        .toList(),
                spec.labels(),
                exposedPorts(spec.ports()),
                hostConfig(spec, first),
                stopTimeoutSeconds(spec),
                first.map(network -> new NetworkingConfig(Map.of(network.network(), endpoint(network))))
                        .orElse(null));
    }

    /** The id in the 201 answer of create. */
    public static String createdId(DockerErrors.Target target, io.orbit.runtime.http.EngineResponse response) {
        return DockerApi.decode(target, response, Created.class).id();
    }

    /** The networks after the first, each joined with {@code POST /networks/{name}/connect} before start. */
    public static List<NetworkAttachment> furtherNetworks(ContainerSpec spec) {
        return spec.networks().stream().skip(1).toList();
    }

    /** The body of {@code POST /networks/{name}/connect}. */
    public static Object connect(String containerId, NetworkAttachment network) {
        return new Connect(containerId, endpoint(network));
    }

    private static Map<String, Map<String, Object>> exposedPorts(List<PortBinding> ports) {
        Map<String, Map<String, Object>> exposed = new LinkedHashMap<>();
        ports.forEach(port -> exposed.put(portKey(port), Map.of()));
        return exposed;
    }

    private static HostConfig hostConfig(ContainerSpec spec, Optional<NetworkAttachment> first) {
        Map<String, List<HostPort>> bindings = new LinkedHashMap<>();
        for (PortBinding port : spec.ports()) {
            // "0" asks for a random port, allocated at start (and again at every restart).
            bindings.computeIfAbsent(portKey(port), key -> new java.util.ArrayList<>())
                    .add(new HostPort(port.hostIp(), Integer.toString(port.hostPort())));
        }
        List<MountBody> mounts =
                spec.mounts().stream().map(ContainerRequests::mount).toList();
        return new HostConfig(
                bindings,
                spec.limits().memoryBytes(),
                spec.limits().nanoCpus(),
                mounts,
                spec.privileged(),
                first.map(NetworkAttachment::network).orElse(null));
    }

    private static MountBody mount(Mount mount) {
        return switch (mount) {
            case Mount.Bind bind -> new MountBody("bind", bind.source().toString(), bind.target(), bind.readOnly());
            case Mount.Volume volume -> new MountBody("volume", volume.volume(), volume.target(), volume.readOnly());
        };
    }

    private static Endpoint endpoint(NetworkAttachment network) {
        return new Endpoint(network.aliases());
    }

    /** Whole seconds, rounded up so a sub-second timeout never becomes "kill at once". */
    private static long stopTimeoutSeconds(ContainerSpec spec) {
        long millis = spec.stopTimeout().toMillis();
        return (millis + 999) / 1000;
    }

    static String portKey(PortBinding port) {
        return port.containerPort() + "/" + port.protocol().wireName();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Create(
            @JsonProperty("Image") String image,
            @JsonProperty("Cmd") @Nullable List<String> cmd,
            @JsonProperty("Env") List<String> env,
            @JsonProperty("Labels") Map<String, String> labels,
            @JsonProperty("ExposedPorts") Map<String, Map<String, Object>> exposedPorts,
            @JsonProperty("HostConfig") HostConfig hostConfig,
            @JsonProperty("StopTimeout") long stopTimeout,
            @JsonProperty("NetworkingConfig") @Nullable NetworkingConfig networkingConfig) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record HostConfig(
            @JsonProperty("PortBindings") Map<String, List<HostPort>> portBindings,
            @JsonProperty("Memory") long memory,
            @JsonProperty("NanoCpus") long nanoCpus,
            @JsonProperty("Mounts") List<MountBody> mounts,
            @JsonProperty("Privileged") boolean privileged,
            @JsonProperty("NetworkMode") @Nullable String networkMode) {}

    record HostPort(
            @JsonProperty("HostIp") String hostIp,
            @JsonProperty("HostPort") String hostPort) {}

    record MountBody(
            @JsonProperty("Type") String type,
            @JsonProperty("Source") String source,
            @JsonProperty("Target") String target,
            @JsonProperty("ReadOnly") boolean readOnly) {}

    record NetworkingConfig(@JsonProperty("EndpointsConfig") Map<String, Endpoint> endpointsConfig) {}

    record Endpoint(@JsonProperty("Aliases") List<String> aliases) {}

    record Created(@JsonProperty("Id") String id) {}

    record Connect(
            @JsonProperty("Container") String container,
            @JsonProperty("EndpointConfig") Endpoint endpoint) {}
}
