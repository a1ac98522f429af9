package io.orbit.engine.volume;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate.VolumeMount;
import io.orbit.engine.spec.ServiceSpec.NamedVolume;
import io.orbit.engine.spec.ServiceSpec.VolumeData;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodStartException;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.Mount;
import io.orbit.runtime.VolumeDetails;
import io.orbit.runtime.VolumeSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a container's {@code volume_mounts} into engine {@link Mount}s, writing inline files and creating named
 * volumes on the way, and removes inline files nobody uses any more.
 *
 * <p>Inline files live in {@code <volume-dir>/files/<instance>/<service>/<config-hash>/<volume>/}: one directory per
 * version of the pod spec (the file contents are part of the config hash), shared by all pods of that version. So
 * pods of one version see the same bytes by construction, a rollout gives new pods a new directory while old pods
 * keep theirs untouched until they are removed, pods starting in parallel write the same content (atomically,
 * see {@link InlineFiles}), and whether a directory is still needed can be read from the pods' config-hash labels
 * alone, however its pods ended (removed, crashed, adopted after a daemon restart).
 *
 * <p>Thread-safety: {@link #mounts} runs on the pod-start threads and {@link #sweep} on reconcile workers; file
 * changes happen under one lock, engine calls outside it.
 *
 * <p>Over 300 lines because writing the files and sweeping them share one lock and one directory layout; split, each
 * half would have to know the other's locking.
 */
public final class PodVolumes {

    private static final Logger log = LoggerFactory.getLogger(PodVolumes.class);

    /**
     * A version directory used (written or checked by a pod start) this recently is never removed: the pod may be
     * between its files being written and its container appearing in the engine and in the status.
     */
    static final Duration GRACE = Duration.ofSeconds(60);
    /** Usage of one volume is measured at most this often (walking a large host path is not free). */
    static final Duration USAGE_MAX_AGE = Duration.ofSeconds(30);
    /** Above this many files, usage of a host path or named volume is reported as unknown instead of walked on. */
    public static final int USAGE_FILE_LIMIT = 100_000;

    private final ContainerRuntime runtime;
    private final Ownership ownership;
    private final Path root;
    private final InstantSource clock;
    private final PodSecrets secrets;
    private final Object lock = new Object();
    private final Map<String, MeasuredUsage> usageCache = new ConcurrentHashMap<>();
    private Set<String> servicesSeen = Set.of();
    private Instant nextUnknownCheck = Instant.MIN;

    private record MeasuredUsage(Instant at, OptionalLong bytes, OptionalLong files) {}

    /**
     * @param volumeDirectory the daemon's {@code --volume-dir}; relative paths are resolved against the working
     *     directory now, because bind sources must be absolute
     */
    public PodVolumes(ContainerRuntime runtime, Ownership ownership, Path volumeDirectory, InstantSource clock) {
        this(runtime, ownership, volumeDirectory, clock, PodSecrets.defaultDirectory());
    }

    /** @param secretDirectory where secret files go on engines without secret objects (a tmpfs, root-only) */
    public PodVolumes(
            ContainerRuntime runtime,
            Ownership ownership,
            Path volumeDirectory,
            InstantSource clock,
            Path secretDirectory) {
        this.runtime = runtime;
        this.ownership = ownership;
        this.root =
                volumeDirectory.toAbsolutePath().normalize().resolve("files").resolve(ownership.instance());
        this.clock = clock;
        this.secrets = new PodSecrets(runtime, ownership, secretDirectory, clock);
    }

    /** The secrets and env_file variables of containers, which share the versions and the sweep of inline files. */
    public PodSecrets secrets() {
        return secrets;
    }

    /** Where this instance's inline files live: {@code <volume-dir>/files/<instance>}. */
    public Path filesRoot() {
        return root;
    }

    /** The directory holding a volume's inline files for one version of a service. */
    public Path filesDirectory(String service, String configHash, String volume) {
        return root.resolve(service).resolve(configHash).resolve(volume);
    }

    /**
     * The mounts of one container of a pod about to be created: inline files are written (or checked) and named
     * volumes created first.
     *
     * @throws PodStartException when a host path is missing or the files cannot be written; the message says what to
     *     fix
     * @throws ContainerRuntimeException when the engine refuses to create a named volume
     */
    public List<Mount> mounts(DesiredService service, ContainerDefinition container) {
        Map<String, VolumeData> volumes = service.definition().spec().volumesOrEmpty();
        List<Mount> mounts = new ArrayList<>();
        for (VolumeMount mount : container.template().volumeMountsOrEmpty()) {
            VolumeData volume = volumes.get(mount.name());
            if (volume == null) {
                throw failure(
                        service,
                        "container '%s' mounts volume '%s', which is not defined under volumes:"
                                .formatted(container.name(), mount.name()));
            }
            mounts.add(mount(service, mount, volume));
        }
        return mounts;
    }

    private Mount mount(DesiredService service, VolumeMount mount, VolumeData volume) {
        String subPath = mount.subPath();
        return switch (kind(volume)
                .orElseThrow(() -> failure(
                        service,
                        "volume '%s' defines nothing to mount; add files, host_path or named_volume"
                                .formatted(mount.name())))) {
            case HOST_PATH -> {
                Path hostPath = Path.of(volume.hostPath()).normalize();
                Path source =
                        subPath == null ? hostPath : hostPath.resolve(subPath).normalize();
                if (!source.startsWith(hostPath) || !source.isAbsolute()) {
                    throw failure(
                            service,
                            "sub_path '%s' of volume '%s' leaves its host_path".formatted(subPath, mount.name()));
                }
                if (!Files.exists(source)) {
                    throw failure(
                            service,
                            "host path %s of volume '%s' does not exist; create it or change"
                                            .formatted(source, mount.name())
                                    + " volumes." + mount.name() + ".host_path in "
                                    + service.definition().file());
                }
                yield new Mount.Bind(source, mount.mountPath(), mount.isReadOnly());
            }
            case FILES -> {
                Path directory = writeFiles(service, mount.name(), volume);
                Path source = subPath == null ? directory : directory.resolve(subPath);
                if (subPath != null && (!InlineFiles.isPlainName(subPath) || !Files.isRegularFile(source))) {
                    throw failure(
                            service, "sub_path '%s' is not a file of volume '%s'".formatted(subPath, mount.name()));
                }
                yield new Mount.Bind(source, mount.mountPath(), mount.isReadOnly());
            }
            case NAMED_VOLUME -> {
                if (subPath != null) {
                    throw failure(service, "sub_path is not supported for named volume '%s'".formatted(mount.name()));
                }
                VolumeDetails created = ensureNamedVolume(requireNonNull(volume.namedVolume(), "NAMED_VOLUME"));
                yield new Mount.Volume(created.name(), mount.mountPath(), mount.isReadOnly());
            }
        };
    }

    /** Which source a volume mounts, as Orbit chose it; empty when it defines none. */
    public static Optional<VolumeUsage.Kind> kind(VolumeData volume) {
        if (volume.hostPath() != null) {
            return Optional.of(VolumeUsage.Kind.HOST_PATH);
        }
        if (volume.files() != null) {
            return Optional.of(VolumeUsage.Kind.FILES);
        }
        if (volume.namedVolume() != null) {
            return Optional.of(VolumeUsage.Kind.NAMED_VOLUME);
        }
        return Optional.empty();
    }

    private Path writeFiles(DesiredService service, String volumeName, VolumeData volume) {
        if (!InlineFiles.isPlainName(volumeName)) {
            throw failure(service, "volume name '%s' cannot be a directory name".formatted(volumeName));
        }
        Path version = root.resolve(service.name()).resolve(service.configHash());
        Path directory = version.resolve(volumeName);
        synchronized (lock) {
            try {
                if (!Files.isDirectory(root)) {
                    // Only the engine (root, or the rootless user that runs the daemon) needs to reach the files.
                    Files.createDirectories(
                            root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                }
                Files.createDirectories(version);
                int written = InlineFiles.write(
                        directory,
                        volume.files() == null ? Map.of() : volume.files(),
                        InlineFiles.mode(volume.permissions()));
                Files.setLastModifiedTime(version, FileTime.from(clock.instant()));
                if (written > 0) {
                    log.atInfo()
                            .addKeyValue("service", service.name())
                            .addKeyValue("volume", volumeName)
                            .addKeyValue("directory", directory.toString())
                            .log("wrote " + written + " inline file(s)");
                }
                return directory;
            } catch (IOException | UncheckedIOException e) {
                throw new PodStartException(
                        "cannot write the inline files of volume '%s' of service '%s' under %s: %s; check that the"
                                        .formatted(volumeName, service.name(), directory, e.getMessage())
                                + " daemon's user may write to --volume-dir",
                        e);
            }
        }
    }

    private VolumeDetails ensureNamedVolume(NamedVolume named) {
        Optional<VolumeDetails> existing = runtime.inspectVolume(named.name());
        if (existing.isPresent()) {
            return existing.get();
        }
        Map<String, String> labels = new LinkedHashMap<>(named.labels() == null ? Map.of() : named.labels());
        // Marks who created it, but not orbit.managed: nothing that removes managed objects may remove data.
        labels.putIfAbsent(OrbitLabels.INSTANCE, ownership.instance());
        VolumeDetails created = runtime.createVolume(new VolumeSpec(
                named.name(), "local", named.driverOpts() == null ? Map.of() : named.driverOpts(), labels));
        log.atInfo().addKeyValue("volume", named.name()).log("created named volume");
        return created;
    }

    /**
     * Removes inline files nobody needs: the versions of a service that neither its desired spec nor any of its pods
     * use, and everything of a service that has left the status (deleted, its last pod gone). Directories of
     * services this daemon has not seen since it started are removed once the engine shows no container of theirs.
     * Called after every status change (cheap: a directory listing, and at most one engine call per minute).
     */
    public void sweep(Map<String, ServiceStatus> services) {
        secrets.sweep(services);
        List<String> unknown = new ArrayList<>();
        synchronized (lock) {
            Set<String> gone = new HashSet<>(servicesSeen);
            gone.removeAll(services.keySet());
            servicesSeen = Set.copyOf(services.keySet());
            if (!Files.isDirectory(root)) {
                return;
            }
            for (String service : gone) {
                delete(root.resolve(service), service, "its service was deleted");
            }
            for (Path directory : children(root)) {
                String service = directory.getFileName().toString();
                ServiceStatus status = services.get(service);
                if (status != null) {
                    pruneVersions(directory, status);
                } else if (!gone.contains(service) && isIdle(directory)) {
                    unknown.add(service);
                }
            }
        }
        if (unknown.isEmpty() || clock.instant().isBefore(nextUnknownCheck)) {
            return;
        }
        nextUnknownCheck = clock.instant().plus(GRACE);
        for (String service : unknown) {
            try {
                if (!runtime.listContainers(ownership.service(service)).isEmpty()) {
                    continue;
                }
            } catch (ContainerRuntimeException e) {
                log.atDebug().addKeyValue("service", service).log("cannot check for containers: " + e.getMessage());
                continue;
            }
            synchronized (lock) {
                Path directory = root.resolve(service);
                if (!servicesSeen.contains(service) && isIdle(directory)) {
                    delete(directory, service, "no service or container of that name exists");
                }
            }
        }
    }

    private void pruneVersions(Path serviceDirectory, ServiceStatus status) {
        Set<String> inUse = new HashSet<>();
        status.desired().ifPresent(desired -> inUse.add(desired.configHash()));
        status.pods().stream().map(PodStatus::configHash).forEach(inUse::add);
        for (Path version : children(serviceDirectory)) {
            if (!inUse.contains(version.getFileName().toString()) && isOlderThanGrace(version)) {
                delete(version, status.name(), "no pod runs this version any more");
            }
        }
    }

    /** True when no version of the service was used within {@link #GRACE}. */
    private boolean isIdle(Path serviceDirectory) {
        List<Path> versions = children(serviceDirectory);
        if (versions.isEmpty()) {
            return isOlderThanGrace(serviceDirectory);
        }
        return versions.stream().allMatch(this::isOlderThanGrace);
    }

    private boolean isOlderThanGrace(Path path) {
        try {
            Instant modified =
                    Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toInstant();
            return modified.plus(GRACE).isBefore(clock.instant());
        } catch (IOException gone) {
            return false;
        }
    }

    private static List<Path> children(Path directory) {
        try (Stream<Path> list = Files.list(directory)) {
            return list.filter(path -> Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))
                    .filter(path -> !path.getFileName().toString().startsWith("."))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private void delete(Path directory, String service, String reason) {
        try {
            if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                InlineFiles.deleteTree(directory);
                log.atInfo()
                        .addKeyValue("service", service)
                        .addKeyValue("directory", directory.toString())
                        .log("removed inline files: " + reason);
            }
        } catch (IOException e) {
            log.atWarn()
                    .addKeyValue("service", service)
                    .addKeyValue("directory", directory.toString())
                    .log("cannot remove inline files: " + e.getMessage());
        }
    }

    /**
     * The service's volumes as used now: source, mount paths, running containers that mount each, and size (measured
     * at most every {@link #USAGE_MAX_AGE}). Empty for a service being removed.
     */
    public List<VolumeUsage> usage(ServiceStatus status) {
        if (status.desired().isEmpty()) {
            return List.of();
        }
        DesiredService desired = status.desired().get();
        Map<String, List<String>> mountPaths = new LinkedHashMap<>();
        Map<String, Set<String>> mountingContainers = new HashMap<>();
        for (ContainerDefinition container : desired.definition().containers()) {
            for (VolumeMount mount : container.template().volumeMountsOrEmpty()) {
                mountPaths
                        .computeIfAbsent(mount.name(), name -> new ArrayList<>())
                        .add(mount.mountPath());
                mountingContainers
                        .computeIfAbsent(mount.name(), name -> new HashSet<>())
                        .add(container.name());
            }
        }
        List<VolumeUsage> usage = new ArrayList<>();
        desired.definition()
                .spec()
                .volumesOrEmpty()
                .forEach((name, volume) -> kind(volume).ifPresent(kind -> {
                    String source = switch (kind) {
                        case HOST_PATH -> Path.of(volume.hostPath()).toString();
                        case FILES ->
                            filesDirectory(desired.name(), desired.configHash(), name)
                                    .toString();
                        case NAMED_VOLUME ->
                            requireNonNull(volume.namedVolume(), "NAMED_VOLUME").name();
                    };
                    Set<String> mounting = mountingContainers.getOrDefault(name, Set.of());
                    int containers = (int) status.pods().stream()
                            .flatMap(pod -> pod.containers().stream())
                            .filter(container -> container.state().isRunning())
                            .map(ContainerStatus::containerName)
                            .filter(mounting::contains)
                            .count();
                    MeasuredUsage measured = measure(kind, source);
                    usage.add(new VolumeUsage(
                            name,
                            kind,
                            source,
                            mountPaths.getOrDefault(name, List.of()),
                            containers,
                            measured.bytes(),
                            measured.files()));
                }));
        return usage;
    }

    private MeasuredUsage measure(VolumeUsage.Kind kind, String source) {
        String key = kind + ":" + source;
        MeasuredUsage cached = usageCache.get(key);
        Instant now = clock.instant();
        if (cached != null && cached.at().plus(USAGE_MAX_AGE).isAfter(now)) {
            return cached;
        }
        Optional<Path> directory = switch (kind) {
            case HOST_PATH, FILES -> Optional.of(Path.of(source));
            case NAMED_VOLUME -> {
                try {
                    yield runtime.inspectVolume(source)
                            .map(VolumeDetails::mountpoint)
                            .filter(mountpoint -> !mountpoint.isBlank())
                            .map(Path::of);
                } catch (ContainerRuntimeException e) {
                    yield Optional.empty();
                }
            }
        };
        MeasuredUsage measured = directory
                .map(path -> walk(now, path))
                .orElse(new MeasuredUsage(now, OptionalLong.empty(), OptionalLong.empty()));
        if (usageCache.size() > 10_000) {
            usageCache.clear();
        }
        usageCache.put(key, measured);
        return measured;
    }

    private static MeasuredUsage walk(Instant now, Path path) {
        long bytes = 0;
        long files = 0;
        try (Stream<Path> walk = Files.walk(path)) {
            Iterator<Path> paths = walk.iterator();
            while (paths.hasNext()) {
                Path each = paths.next();
                if (Files.isRegularFile(each, LinkOption.NOFOLLOW_LINKS)) {
                    if (++files > USAGE_FILE_LIMIT) {
                        return new MeasuredUsage(now, OptionalLong.empty(), OptionalLong.empty());
                    }
                    bytes += Files.size(each);
                }
            }
            return new MeasuredUsage(now, OptionalLong.of(bytes), OptionalLong.of(files));
        } catch (IOException | UncheckedIOException | SecurityException unreadable) {
            return new MeasuredUsage(now, OptionalLong.empty(), OptionalLong.empty());
        }
    }

    private static PodStartException failure(DesiredService service, String problem) {
        String message = "cannot start a pod of service '%s': %s (%s)"
                .formatted(service.name(), problem, service.definition().file());
        return new PodStartException(message, new IllegalStateException(problem));
    }
}
