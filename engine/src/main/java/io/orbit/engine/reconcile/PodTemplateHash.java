package io.orbit.engine.reconcile;

import io.orbit.engine.netlimit.NetworkLimit;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.ServiceSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The hash of everything that shapes a pod's containers (image, command, env, ports, limits, network limits,
 * privileges, network, mounts and the content of mounted inline files). A changed {@code network_limit} therefore rolls
 * the pods like any other change, and each container carries the limit it was created with.
 * Pods carry it as the {@code orbit.config-hash} label; a pod whose hash differs from its service's is replaced.
 * Instance counts, scaling and health settings are not part of it: changing them must not restart pods.
 */
public final class PodTemplateHash {

    private PodTemplateHash() {}

    public static String of(ServiceDefinition service) {
        StringBuilder canonical = new StringBuilder();
        canonical.append("network=").append(service.userNetwork().orElse("")).append('\n');
        for (ContainerDefinition container : service.containers()) {
            canonical.append("container=").append(container.name()).append('\n');
            canonical.append("image=").append(container.image()).append('\n');
            canonical.append("command=").append(container.command()).append('\n');
            canonical.append("env=").append(new TreeMap<>(container.env())).append('\n');
            canonical.append("privileged=").append(container.privileged()).append('\n');
            canonical.append("memory=").append(container.memoryBytes()).append('\n');
            canonical.append("cpus=").append(container.nanoCpus()).append('\n');
            for (ContainerTemplate.PortSpec port : container.ports()) {
                canonical
                        .append("port=")
                        .append(port.port())
                        .append('/')
                        .append(port.targetPort())
                        .append('/')
                        .append(port.nodePort())
                        .append('\n');
            }
            // Appended only for limited containers, so hashes of pods without a limit stay as they were.
            NetworkLimit.of(container.template().networkLimit())
                    .ifPresent(limit ->
                            canonical.append("network_limit=").append(limit).append('\n'));
            for (ContainerTemplate.VolumeMount mount : container.template().volumeMountsOrEmpty()) {
                appendMount(canonical, mount, service.spec().volumesOrEmpty().get(mount.name()));
            }
        }
        return sha256(canonical.toString()).substring(0, 16);
    }

    /**
     * A mount and what it mounts, inline file contents included, so editing a file rolls the pods onto a new version
     * of it (Orbit never updated them). Appended only for containers with mounts: hashes of pods without any stay as
     * they were.
     */
    private static void appendMount(
            StringBuilder canonical, ContainerTemplate.VolumeMount mount, ServiceSpec.@Nullable VolumeData volume) {
        canonical
                .append("mount=")
                .append(mount.name())
                .append('|')
                .append(mount.mountPath())
                .append('|')
                .append(mount.subPath())
                .append('|')
                .append(mount.isReadOnly())
                .append('\n');
        if (volume == null) {
            return;
        }
        canonical
                .append("volume=")
                .append(volume.hostPath())
                .append('|')
                .append(volume.permissions())
                .append('|')
                .append(
                        volume.namedVolume() == null
                                ? null
                                : volume.namedVolume().name())
                .append('\n');
        if (volume.files() != null) {
            new TreeMap<>(volume.files())
                    .forEach((name, content) -> canonical
                            .append("file=")
                            .append(name)
                            .append('|')
                            .append(sha256(content))
                            .append('\n'));
        }
    }

    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Unused keys are ignored so older labels never break parsing. */
    static String labelOr(Map<String, String> labels, String key, String fallback) {
        return labels.getOrDefault(key, fallback);
    }
}
