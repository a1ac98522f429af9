package io.orbit.runtime.podman.internal;

import static io.orbit.runtime.podman.internal.LibpodJson.instant;
import static io.orbit.runtime.podman.internal.LibpodJson.stringMap;
import static io.orbit.runtime.podman.internal.LibpodJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.OomStatus;
import io.orbit.runtime.PortBinding;
import io.orbit.runtime.ResourceLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Maps libpod's container inspect and list JSON to the port's records. */
public final class ContainerRecords {

    /** 128 + SIGKILL: what an OOM kill looks like from outside, and also what any SIGKILL looks like. */
    private static final int KILLED_EXIT_CODE = 137;

    private ContainerRecords() {}

    /**
     * @param inspect the answer of {@code GET /libpod/containers/{id}/json}
     * @param engineDetectsOom whether this engine reports OOM kills at all (cgroup v2); without it an exit of 137 is
     *     {@link OomStatus#UNKNOWN}, not "not killed"
     */
    public static ContainerDetails details(JsonNode inspect, boolean engineDetectsOom) {
        JsonNode state = inspect.path("State");
        ContainerState containerState = ContainerState.fromEngineStatus(text(state, "Status"));
        int exitCode = state.path("ExitCode").asInt();
        // Podman keeps the previous run's FinishedAt while the container runs again; the port says empty meanwhile.
        Optional<Instant> finishedAt =
                containerState.isRunning() ? Optional.empty() : instant(text(state, "FinishedAt"));
        String image = text(inspect, "ImageName");
        return new ContainerDetails(
                text(inspect, "Id"),
                withoutSlash(text(inspect, "Name")),
                image.isEmpty() ? text(inspect.path("Config"), "Image") : image,
                LibpodJson.withoutDigestPrefix(text(inspect, "Image")),
                containerState,
                exitCode,
                oom(state.path("OOMKilled").asBoolean(), exitCode, engineDetectsOom),
                text(state, "Error"),
                stringMap(inspect.path("Config").path("Labels")),
                networkAddresses(inspect.path("NetworkSettings").path("Networks")),
                publishedPorts(inspect),
                instant(text(state, "StartedAt")),
                finishedAt,
                limits(inspect.path("HostConfig")),
                containerState.isRunning() ? Math.max(0, state.path("Pid").asLong()) : 0);
    }

    static OomStatus oom(boolean oomKilled, int exitCode, boolean engineDetectsOom) {
        if (oomKilled) {
            return OomStatus.KILLED;
        }
        if (!engineDetectsOom && exitCode == KILLED_EXIT_CODE) {
            return OomStatus.UNKNOWN;
        }
        return OomStatus.NOT_KILLED;
    }

    /** One element of {@code GET /libpod/containers/json}. */
    public static ContainerSummary summary(JsonNode listed) {
        JsonNode names = listed.path("Names");
        String name = names.isArray() && !names.isEmpty() ? names.get(0).asText() : text(listed, "Id");
        return new ContainerSummary(
                text(listed, "Id"),
                withoutSlash(name),
                text(listed, "Image"),
                ContainerState.fromEngineStatus(text(listed, "State")),
                stringMap(listed.path("Labels")));
    }

    /** Pod infra containers inherit the pod's labels but are the pod's, not orbit's, to remove. */
    public static boolean isPodInfra(JsonNode listed) {
        return listed.path("IsInfra").asBoolean();
    }

    private static Map<String, String> networkAddresses(JsonNode networks) {
        Map<String, String> addresses = new LinkedHashMap<>();
        networks.properties().forEach(network -> {
            String address = text(network.getValue(), "IPAddress");
            // A stopped container still lists its networks, with empty addresses.
            if (!address.isBlank()) {
                addresses.put(network.getKey(), address);
            }
        });
        return addresses;
    }

    /**
     * The bound host ports. {@code NetworkSettings.Ports} is the engine's view; Podman also writes the random port it
     * picked at create time into {@code HostConfig.PortBindings}, which answers for a container that is not running.
     */
    private static List<PortBinding> publishedPorts(JsonNode inspect) {
        List<PortBinding> ports = ports(inspect.path("NetworkSettings").path("Ports"));
        return ports.isEmpty() ? ports(inspect.path("HostConfig").path("PortBindings")) : ports;
    }

    static List<PortBinding> ports(JsonNode portMap) {
        List<PortBinding> ports = new ArrayList<>();
        portMap.properties().forEach(entry -> {
            String[] portAndProtocol = entry.getKey().split("/", 2);
            int containerPort = parsePort(portAndProtocol[0]);
            String protocol = portAndProtocol.length > 1 ? portAndProtocol[1] : "tcp";
            if (containerPort <= 0 || (!protocol.equals("tcp") && !protocol.equals("udp"))) {
                return; // sctp: the port has no word for it, and orbit never publishes it
            }
            for (JsonNode binding : entry.getValue()) {
                int hostPort = parsePort(text(binding, "HostPort"));
                if (hostPort > 0) {
                    String hostIp = text(binding, "HostIp");
                    ports.add(new PortBinding(
                            containerPort,
                            PortBinding.Protocol.fromWireName(protocol),
                            hostIp.isBlank() ? "0.0.0.0" : hostIp,
                            hostPort));
                }
            }
        });
        return ports;
    }

    private static int parsePort(String port) {
        try {
            return port.isBlank() ? 0 : Integer.parseInt(port);
        } catch (NumberFormatException notAPort) {
            return 0;
        }
    }

    /** Memory and CPU as applied; zero where rootless cgroup v1 dropped them. CPU may come as quota/period only. */
    static ResourceLimits limits(JsonNode hostConfig) {
        long memory = Math.max(0, hostConfig.path("Memory").asLong());
        long nanoCpus = hostConfig.path("NanoCpus").asLong();
        long quota = hostConfig.path("CpuQuota").asLong();
        long period = hostConfig.path("CpuPeriod").asLong();
        if (nanoCpus <= 0 && quota > 0 && period > 0) {
            nanoCpus = Math.round(quota * 1e9 / period);
        }
        return new ResourceLimits(memory, Math.max(0, nanoCpus));
    }

    private static String withoutSlash(String name) {
        return name.startsWith("/") ? name.substring(1) : name;
    }
}
