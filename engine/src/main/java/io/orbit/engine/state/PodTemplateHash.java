package io.orbit.engine.state;

import io.orbit.engine.netlimit.NetworkLimit;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerSecrets;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.SecretValue;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.ServiceSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The hash of everything that shapes a pod's containers (image, command, env, ports, limits, network limits,
 * privileges, network, mounts and the content of mounted inline files). A changed {@code network_limit} therefore rolls
 * the pods like any other change, and each container carries the limit it was created with.
 * Pods carry it as the {@code orbit.config-hash} label; a pod whose hash differs from its service's is replaced.
 * Instance counts, scaling and health settings are not part of it: changing them must not restart pods.
 */
public final class PodTemplateHash {

    /**
     * A hash with a rollout token ({@code H-rT}: every pod of it was started after that {@code orbit restart} or image
     * update) or with a rollback exclusion ({@code H-xT}: spec H, but not the pods of the failed token T).
     */
    private static final Pattern TOKENED = Pattern.compile("(.+)-([rx])([0-9a-z]+)");

    private PodTemplateHash() {}

    /** The hash pods carry after a rollout trigger with {@code token} (lowercase base36). */
    public static String withToken(String hash, String token) {
        return base(hash) + "-r" + token;
    }

    /**
     * Whether a pod labelled {@code podHash} runs the spec {@code desiredHash} asks for. Without a token ({@code H}:
     * the daemon knows of no restart, e.g. after its own restart) pods of H with any token count, so a daemon restart
     * never rolls restarted pods again; with a token ({@code H-rT}) only {@code H-rT} pods count; with an exclusion
     * ({@code H-xT}, a rollback from token T to a spec known only as H) every pod of H but the {@code H-rT} ones.
     */
    public static boolean matches(String podHash, String desiredHash) {
        if (podHash.equals(desiredHash)) {
            return true;
        }
        Matcher desired = TOKENED.matcher(desiredHash);
        if (!desired.matches()) {
            return base(podHash).equals(desiredHash);
        }
        if (desired.group(2).equals("r")) {
            return false;
        }
        return base(podHash).equals(desired.group(1)) && !podHash.equals(desired.group(1) + "-r" + desired.group(3));
    }

    /**
     * The spec to roll back to when {@code failedHash} failed and {@code goodHash} is the last good one: if that is
     * the same spec known without a token, the failed token's pods are excluded (else they would count as good).
     */
    public static String rollbackTarget(String goodHash, String failedHash) {
        Matcher failed = TOKENED.matcher(failedHash);
        if (failed.matches() && failed.group(2).equals("r") && failed.group(1).equals(goodHash)) {
            return goodHash + "-x" + failed.group(3);
        }
        return goodHash;
    }

    /** The hash without its token. */
    public static String base(String hash) {
        Matcher matcher = TOKENED.matcher(hash);
        return matcher.matches() ? matcher.group(1) : hash;
    }

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
            appendSecrets(canonical, container.secrets());
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

    /**
     * {@code env_file} variables and secrets, each value only as its keyed digest ({@link SecretValue#digest()}): a
     * changed value rolls the pods, and the hash, which pods carry as a label, tells nothing about it. Appended only
     * for containers that have any, so other hashes stay as they were.
     */
    private static void appendSecrets(StringBuilder canonical, ContainerSecrets secrets) {
        new TreeMap<>(secrets.env())
                .forEach((name, value) -> canonical
                        .append("secret_env=")
                        .append(name)
                        .append('|')
                        .append(value.digest())
                        .append('\n'));
        for (ContainerSecrets.SecretFile file : secrets.files()) {
            canonical
                    .append("secret_file=")
                    .append(file.secret())
                    .append('|')
                    .append(file.target())
                    .append('|')
                    .append(file.uid())
                    .append('|')
                    .append(file.gid())
                    .append('|')
                    .append(Integer.toOctalString(file.mode()))
                    .append('|')
                    .append(file.version())
                    .append('\n');
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
}
