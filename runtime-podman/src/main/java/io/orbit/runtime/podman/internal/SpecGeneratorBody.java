package io.orbit.runtime.podman.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.Mount;
import io.orbit.runtime.NetworkAttachment;
import io.orbit.runtime.PortBinding;
import io.orbit.runtime.ResourceLimits;
import io.orbit.runtime.SecretMount;
import io.orbit.runtime.http.Json;
import java.util.Collection;
import java.util.List;

/** The body of {@code POST /libpod/containers/create}: libpod's SpecGenerator, from a {@link ContainerSpec}. */
public final class SpecGeneratorBody {

    /** The CFS period Podman itself uses for {@code --cpus}; quota = CPUs × period. */
    static final long CPU_PERIOD_MICROS = 100_000;

    private SpecGeneratorBody() {}

    public static ObjectNode of(ContainerSpec spec) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", spec.name());
        body.put("image", spec.image());
        if (!spec.command().isEmpty()) {
            body.set("command", strings(spec.command()));
        }
        body.set("env", Json.MAPPER.valueToTree(spec.env()));
        body.set("labels", Json.MAPPER.valueToTree(spec.labels()));
        body.put("stop_timeout", LibpodClient.wholeSeconds(spec.stopTimeout()));
        body.put("privileged", spec.privileged());
        body.set("portmappings", portMappings(spec.ports()));
        resourceLimits(spec.limits(), body);
        networks(spec.networks(), body);
        mounts(spec.mounts(), body);
        secrets(spec.secrets(), body);
        return body;
    }

    private static ArrayNode portMappings(List<PortBinding> ports) {
        ArrayNode mappings = Json.MAPPER.createArrayNode();
        for (PortBinding port : ports) {
            mappings.addObject()
                    .put("container_port", port.containerPort())
                    // 0 makes Podman pick a free port at create time and keep it across restarts.
                    .put("host_port", port.hostPort())
                    .put("host_ip", port.hostIp())
                    .put("protocol", port.protocol().wireName());
        }
        return mappings;
    }

    private static void resourceLimits(ResourceLimits limits, ObjectNode body) {
        if (limits.isUnlimited()) {
            return;
        }
        ObjectNode resources = body.putObject("resource_limits");
        if (limits.memoryBytes() > 0) {
            resources.putObject("memory").put("limit", limits.memoryBytes());
        }
        if (limits.nanoCpus() > 0) {
            // The kernel refuses quotas under 1 ms; round a tiny limit up to that instead of failing the create.
            long quota = Math.max(1_000, limits.nanoCpus() * CPU_PERIOD_MICROS / 1_000_000_000L);
            resources.putObject("cpu").put("quota", quota).put("period", CPU_PERIOD_MICROS);
        }
    }

    /** Joining user networks needs bridge mode; without networks Podman's default (bridge or slirp4netns) applies. */
    private static void networks(List<NetworkAttachment> networks, ObjectNode body) {
        if (networks.isEmpty()) {
            return;
        }
        body.putObject("netns").put("nsmode", "bridge");
        ObjectNode byName = body.putObject("networks");
        for (NetworkAttachment network : networks) {
            byName.putObject(network.network()).set("aliases", strings(network.aliases()));
        }
    }

    /** Binds are OCI mounts; named volumes are libpod's own list, which creates a missing volume like Docker does. */
    private static void mounts(List<Mount> mounts, ObjectNode body) {
        ArrayNode binds = Json.MAPPER.createArrayNode();
        ArrayNode volumes = Json.MAPPER.createArrayNode();
        for (Mount mount : mounts) {
            String access = mount.readOnly() ? "ro" : "rw";
            switch (mount) {
                case Mount.Bind bind ->
                    binds.addObject()
                            .put("destination", bind.target())
                            .put("type", "bind")
                            .put("source", bind.source().toString())
                            .set("options", strings(List.of("rbind", access)));
                case Mount.Volume volume ->
                    volumes.addObject()
                            .put("Name", volume.volume())
                            .put("Dest", volume.target())
                            .set("Options", strings(List.of(access)));
            }
        }
        if (!binds.isEmpty()) {
            body.set("mounts", binds);
        }
        if (!volumes.isEmpty()) {
            body.set("volumes", volumes);
        }
    }

    /**
     * libpod's {@code secrets} list, as {@code --secret NAME,type=mount,target=,uid=,gid=,mode=} makes it: the secret
     * object is copied into the container's run directory and bind-mounted at the target (an absolute path).
     */
    private static void secrets(List<SecretMount> secrets, ObjectNode body) {
        if (secrets.isEmpty()) {
            return;
        }
        ArrayNode list = body.putArray("secrets");
        for (SecretMount secret : secrets) {
            list.addObject()
                    .put("source", secret.secret())
                    .put("target", secret.target())
                    .put("uid", secret.uid())
                    .put("gid", secret.gid())
                    .put("mode", secret.mode());
        }
    }

    private static ArrayNode strings(Collection<String> values) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        values.forEach(array::add);
        return array;
    }
}
