package io.orbit.engine.reconcile;

import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ServiceDefinition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hash of everything that shapes a pod's containers (image, command, env, ports, limits, privileges, network).
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
        }
        return sha256(canonical.toString()).substring(0, 16);
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
