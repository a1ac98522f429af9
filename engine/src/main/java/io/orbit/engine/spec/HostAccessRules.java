package io.orbit.engine.spec;

import io.orbit.engine.spec.ServiceSpec.VolumeData;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds what in a service file reaches into the host. The format has four ways in, and each is covered:
 *
 * <ul>
 *   <li>{@code spec.containers[i].privileged: true}: every device and capability of the host;
 *   <li>{@code volumes.NAME.host_path} that is a host system path ({@code /}, {@code /etc}, {@code /proc}, {@code
 *       /sys}, {@code /dev}, {@code /run}, {@code /var/lib/docker}...), lies above one ({@code /var} holds {@code
 *       /var/run/docker.sock}), is or holds an engine socket ({@code docker.sock}, {@code podman.sock}... by any
 *       path, also through symbolic links or as the directory holding it), or is one of the daemon's own directories;
 *       also joined with a {@code volume_mounts[].sub_path};
 *   <li>{@code volumes.NAME.named_volume.driver_opts.device} naming such a host path: the {@code local} driver mounts
 *       it ({@code type: none, o: bind}) or the block device it names;
 *   <li>{@code network: host} (the host's network namespace) and namespace modes such as {@code container:ID} or
 *       {@code ns:/proc/1/ns/net}, which Docker takes as a network name.
 * </ul>
 *
 * The format has no way to add capabilities, devices, or to share the host's PID or IPC namespace: such keys ({@code
 * cap_add}, {@code pid}, {@code ipc}...) are unknown keys, reported and ignored.
 */
public final class HostAccessRules {

    /** Host paths a container must not see: the host's system, its engines' state, Orbit's own state. */
    static final List<Path> SYSTEM_PATHS = Stream.of(
                    "/bin",
                    "/boot",
                    "/dev",
                    "/etc",
                    "/lib",
                    "/lib32",
                    "/lib64",
                    "/libx32",
                    "/proc",
                    "/root",
                    "/run",
                    "/sbin",
                    "/sys",
                    "/usr",
                    "/var/run",
                    "/var/lib/containerd",
                    "/var/lib/containers",
                    "/var/lib/docker",
                    "/var/lib/kubelet",
                    "/var/lib/orbit")
            .map(Path::of)
            .toList();

    /** File names of engine API sockets: a container holding one controls the engine, hence the host. */
    static final Set<String> ENGINE_SOCKET_NAMES =
            Set.of("docker.sock", "podman.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "buildkitd.sock");

    private static final String FIX = "remove it, or start the daemon with " + HostAccess.FLAG;

    /** One way a service reaches into the host: the field and what it gives. */
    public record Use(String fieldPath, String what) {}

    private HostAccessRules() {}

    /** Whether a path's last name is an engine socket's. */
    static boolean isEngineSocketName(Path path) {
        Path name = path.getFileName();
        return name != null && ENGINE_SOCKET_NAMES.contains(name.toString().toLowerCase(Locale.ROOT));
    }

    /** Every host access of {@code spec}, in document order. */
    public static List<Use> uses(ServiceSpec spec, HostAccess policy) {
        List<Use> uses = new ArrayList<>();
        String network = spec.network();
        if (network != null) {
            if (network.equals("host")) {
                uses.add(new Use("network", "'host' shares the host's network namespace with the pods"));
            } else if (network.contains(":")) {
                uses.add(new Use(
                        "network",
                        "'" + network + "' is a namespace mode, not a network name: it joins a namespace outside"
                                + " the pod"));
            }
        }
        spec.volumesOrEmpty().forEach((name, volume) -> volumeUses(name, volume, policy, uses));
        List<ContainerTemplate> containers = spec.spec().containers();
        for (int i = 0; i < containers.size(); i++) {
            String containerPath = FieldPaths.index("spec.containers", i);
            if (Boolean.TRUE.equals(containers.get(i).privileged())) {
                uses.add(new Use(
                        FieldPaths.child(containerPath, "privileged"),
                        "a privileged container gets every device and capability of the host"));
            }
            subPathUses(containerPath, containers.get(i), spec, policy, uses);
        }
        return uses;
    }

    /**
     * A {@code sub_path} below a harmless {@code host_path} can still name a socket or lead (through links on the
     * host) into a system path: {@code host_path: /home/alice} with {@code sub_path: .docker/run/docker.sock}.
     */
    private static void subPathUses(
            String containerPath, ContainerTemplate container, ServiceSpec spec, HostAccess policy, List<Use> uses) {
        List<ContainerTemplate.VolumeMount> mounts = container.volumeMountsOrEmpty();
        for (int k = 0; k < mounts.size(); k++) {
            ContainerTemplate.VolumeMount mount = mounts.get(k);
            VolumeData volume = spec.volumesOrEmpty().get(mount.name());
            if (volume == null
                    || volume.hostPath() == null
                    || mount.subPath() == null
                    || mount.subPath().isEmpty()) {
                continue;
            }
            String subPath = mount.subPath();
            if (hostPathUse(volume.hostPath(), policy).isPresent()
                    || subPath.startsWith("/")
                    || subPath.contains("\0")
                    || List.of(subPath.split("/")).contains("..")) {
                continue; // reported once on host_path, or an invalid sub_path (ContainerRules says so)
            }
            String joined = volume.hostPath().replaceAll("/+$", "") + "/" + mount.subPath();
            String field =
                    FieldPaths.child(FieldPaths.index(FieldPaths.child(containerPath, "volume_mounts"), k), "sub_path");
            hostPathUse(joined, policy).ifPresent(what -> uses.add(new Use(field, "with host_path it mounts " + what)));
        }
    }

    private static void volumeUses(String name, VolumeData volume, HostAccess policy, List<Use> uses) {
        String path = FieldPaths.child("volumes", name);
        if (volume.hostPath() != null) {
            hostPathUse(volume.hostPath(), policy)
                    .ifPresent(what -> uses.add(new Use(FieldPaths.child(path, "host_path"), what)));
        }
        if (volume.namedVolume() != null && volume.namedVolume().driverOpts() != null) {
            for (Map.Entry<String, String> option :
                    volume.namedVolume().driverOpts().entrySet()) {
                if (option.getKey().equals("device") && option.getValue().startsWith("/")) {
                    hostPathUse(option.getValue(), policy)
                            .ifPresent(what -> uses.add(new Use(
                                    FieldPaths.child(
                                            FieldPaths.child(FieldPaths.child(path, "named_volume"), "driver_opts"),
                                            "device"),
                                    "the volume driver mounts it: " + what)));
                }
            }
        }
    }

    /** Why mounting {@code written} exposes the host, if it does. Relative paths are another rule's error. */
    static Optional<String> hostPathUse(String written, HostAccess policy) {
        if (!written.startsWith("/")) {
            return Optional.empty();
        }
        Path asWritten;
        try {
            asWritten = Path.of(written).normalize();
        } catch (InvalidPathException invalid) {
            return Optional.of("'" + written + "' is not a valid path");
        }
        Path real = policy.host().realPath(asWritten);
        String shown = real.equals(asWritten) ? "'" + written + "'" : "'" + written + "' (really " + real + ")";
        for (Path candidate : List.of(asWritten, real)) {
            if (candidate.getNameCount() == 0) {
                return Optional.of(shown + " is the host's root file system");
            }
            for (Path name : candidate) {
                if (isEngineSocketName(name)) {
                    return Optional.of(shown + " is a container engine's socket, which controls the host");
                }
            }
            for (Path system : SYSTEM_PATHS) {
                if (candidate.startsWith(system)) {
                    return Optional.of(shown + " is the host system path " + system);
                }
                if (system.startsWith(candidate)) {
                    return Optional.of(shown + " holds the host system path " + system);
                }
            }
            for (Path guarded : policy.protectedPaths()) {
                Path normal = guarded.toAbsolutePath().normalize();
                for (Path own : List.of(normal, policy.host().realPath(normal))) {
                    if (candidate.startsWith(own) || own.startsWith(candidate)) {
                        return Optional.of(shown + " exposes the daemon's own " + normal
                                + " (its config, volume or state directory, or its engine socket)");
                    }
                }
            }
        }
        Optional<Path> socket = policy.host().engineSocketIn(real);
        if (socket.isPresent()) {
            return Optional.of(
                    shown + " holds the container engine socket " + socket.get() + ", which controls the host");
        }
        return Optional.empty();
    }

    /** The problems for these uses: errors unless the policy allows host access, then warnings. */
    static void report(List<Use> uses, HostAccess policy, ProblemList problems) {
        for (Use use : uses) {
            if (policy.allowed()) {
                problems.warning(use.fieldPath(), "host access allowed by " + HostAccess.FLAG + ": " + use.what());
            } else {
                problems.error(use.fieldPath(), "host access: " + use.what() + "; " + FIX);
            }
        }
    }
}
