package io.orbit.engine.volume;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.naming.Ownership;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerSecrets;
import io.orbit.engine.spec.SecretValue;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodStartException;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.PodTemplateHash;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.Mount;
import io.orbit.runtime.SecretMount;
import io.orbit.runtime.SecretSpec;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a container its {@code env_file} variables and secrets, and removes what it created once no pod needs it.
 *
 * <p>Variables go into the container's environment. Secret files go, on Podman, into secret objects named {@code
 * orbit.<instance digest>.<spec hash>.<digest>} ({@link #objectName}; Podman 4.3 keeps no labels on secrets, so the
 * name marks them as ours), mounted with {@code --secret} semantics; on Docker, which has no secret objects outside swarm, into files
 * below a root-only directory on a tmpfs ({@code /run/orbit/secrets/<instance>/<service>/<spec hash>/...}, 0700),
 * bind-mounted read-only. One version per spec hash, as for inline files: the digests of the values are part of the
 * hash, so a rollout gets new objects while the old pods keep theirs, and what is still needed can be read from the
 * pods' hash labels alone. Nothing here logs or throws a value; messages name the secret.
 *
 * <p>Thread-safety: {@link #apply} runs on pod-start threads, {@link #sweep} on the status thread; file changes are
 * made under one lock, engine calls outside it.
 *
 * <p>Longer than 300 lines: both ways a secret reaches a container (engine objects, files) and their one sweep share
 * the versioning by spec hash and the lock; split, each half would need the other's bookkeeping.
 */
public final class PodSecrets {

    private static final Logger log = LoggerFactory.getLogger(PodSecrets.class);

    /** What was created this recently is kept: its pod may not be in the status yet. */
    static final Duration GRACE = Duration.ofSeconds(60);
    /** The engine's secret objects are listed at most this often. */
    static final Duration LIST_INTERVAL = Duration.ofSeconds(10);

    /**
     * The label that says which version of each secret a container got: {@code name=digest} pairs (keyed digests,
     * telling nothing about the values), {@code env:NAME} for variables. {@code orbit plan} compares it with the
     * files' to say which secret changed.
     */
    public static final String VERSIONS_LABEL = "orbit.secret-versions";

    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private final ContainerRuntime runtime;
    private final Ownership ownership;
    private final Path root;
    private final InstantSource clock;
    private final Object lock = new Object();
    /** Secret objects and version directories this process created, with when, for the grace period. */
    private final Map<String, Instant> created = new ConcurrentHashMap<>();

    private volatile Instant nextListing = Instant.MIN;

    /**
     * @param secretDirectory the root of secret files on engines without secret objects ({@link #defaultDirectory()})
     */
    public PodSecrets(ContainerRuntime runtime, Ownership ownership, Path secretDirectory, InstantSource clock) {
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.ownership = requireNonNull(ownership, "ownership is null");
        this.root = secretDirectory.toAbsolutePath().normalize().resolve(ownership.instance());
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * {@code /run/orbit/secrets} for root, else {@code $XDG_RUNTIME_DIR/orbit/secrets}: both on a tmpfs, so secret
     * values never reach a disk, and both readable by their owner alone.
     */
    public static Path defaultDirectory() {
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/run/orbit/secrets");
        }
        String runtimeDirectory = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDirectory != null && !runtimeDirectory.isBlank()) {
            return Path.of(runtimeDirectory, "orbit", "secrets");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "orbit-" + System.getProperty("user.name"), "secrets");
    }

    /** Where the secret files of this instance live, on engines without secret objects. */
    public Path filesRoot() {
        return root;
    }

    /** {@code a=digest,env:B=digest}, sorted: what {@link #VERSIONS_LABEL} holds for these secrets. */
    public static String versions(ContainerSecrets secrets) {
        Map<String, String> versions = new java.util.TreeMap<>();
        secrets.files().forEach(file -> versions.put(file.secret(), file.version()));
        secrets.env().forEach((name, value) -> versions.put("env:" + name, value.digest()));
        return versions.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(java.util.stream.Collectors.joining(","));
    }

    /** The names whose versions differ between two {@link #VERSIONS_LABEL} values (added and removed ones too). */
    public static Set<String> changed(String running, String desired) {
        Map<String, String> before = parseVersions(running);
        Map<String, String> after = parseVersions(desired);
        Set<String> changed = new java.util.TreeSet<>();
        for (String name : union(before.keySet(), after.keySet())) {
            if (!java.util.Objects.equals(before.get(name), after.get(name))) {
                changed.add(name);
            }
        }
        return changed;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static Map<String, String> parseVersions(String label) {
        Map<String, String> versions = new java.util.HashMap<>();
        for (String pair : label.split(",")) {
            int equals = pair.lastIndexOf('=');
            if (equals > 0) {
                versions.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        return versions;
    }

    /**
     * The engine object holding one version of a service's secret for one owner and mode: {@code
     * orbit.<instance digest>.<spec hash>.<digest of service, secret, uid, gid, mode>}, 44 characters, since libpod
     * allows 64. The spec hash in the name is what the sweep reads.
     */
    public String objectName(String service, String configHash, String secret, int uid, int gid, int mode) {
        return objectPrefix() + PodTemplateHash.base(configHash) + "."
                + shortDigest(service + "\0" + secret + "\0" + uid + "\0" + gid + "\0" + mode, 12);
    }

    private String objectPrefix() {
        return "orbit." + shortDigest(ownership.instance(), 8) + ".";
    }

    private static String shortDigest(String text, int chars) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest).substring(0, chars);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Adds the container's variables, secret mounts and secret binds to {@code spec}, creating the secret objects or
     * files first.
     *
     * @throws PodStartException when a secret cannot be given to the container; the message says what to fix
     * @throws ContainerRuntimeException when the engine refuses to create a secret object
     */
    public void apply(DesiredService service, ContainerDefinition container, ContainerSpec.Builder spec) {
        ContainerSecrets secrets = container.secrets();
        if (secrets.isEmpty()) {
            return;
        }
        spec.label(VERSIONS_LABEL, versions(secrets));
        secrets.env().forEach((name, value) -> spec.env(name, value.text()));
        List<ContainerSecrets.SecretFile> files = secrets.files();
        if (files.isEmpty()) {
            return;
        }
        boolean objects = runtime.hasSecretObjects();
        for (int i = 0; i < files.size(); i++) {
            ContainerSecrets.SecretFile file = files.get(i);
            if (objects) {
                String source = file.engineSecret().orElseGet(() -> createObject(service, file));
                spec.secret(new SecretMount(source, file.target(), file.uid(), file.gid(), file.mode()));
            } else if (file.engineSecret().isPresent()) {
                throw new PodStartException(
                        "secret " + file.secret() + " of container " + container.name() + " is an engine: secret, and"
                                + " this engine (Docker) has no secret objects outside swarm; use a file: or env:"
                                + " source",
                        null);
            } else {
                Path written =
                        writeFile(service, container, i, file, file.value().orElseThrow());
                spec.mount(new Mount.Bind(written, file.target(), true));
            }
        }
    }

    /**
     * One object per secret and owner and mode: Podman copies a secret into the container once per object, so one
     * object mounted twice with different owners would leave both mounts with the last owner and mode.
     */
    private String createObject(DesiredService service, ContainerSecrets.SecretFile file) {
        String name =
                objectName(service.name(), service.configHash(), file.secret(), file.uid(), file.gid(), file.mode());
        if (created.putIfAbsent(name, clock.instant()) == null) {
            try {
                runtime.createSecret(
                        new SecretSpec(name, file.value().orElseThrow().bytes(), Map.of()));
                log.atInfo()
                        .addKeyValue("service", service.name())
                        .addKeyValue("secret", file.secret())
                        .log("created secret object " + name);
            } catch (RuntimeException e) {
                created.remove(name);
                throw e;
            }
        }
        return name;
    }

    /**
     * {@code <root>/<service>/<hash>/<container>/<n>-<secret>}, written to a temporary file with the wanted owner and
     * mode and moved in place, so a container never sees half a value; directories 0700.
     */
    private Path writeFile(
            DesiredService service,
            ContainerDefinition container,
            int index,
            ContainerSecrets.SecretFile file,
            SecretValue value) {
        Path version = root.resolve(service.name()).resolve(PodTemplateHash.base(service.configHash()));
        Path directory = version.resolve(container.name());
        Path target = directory.resolve(index + "-" + file.secret());
        synchronized (lock) {
            try {
                createPrivateDirectories(directory);
                created.put(version.toString(), clock.instant());
                if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                        && Arrays.equals(Files.readAllBytes(target), value.bytes())) {
                    return target;
                }
                Path temporary = Files.createTempFile(
                        directory,
                        ".secret",
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(
                                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
                try {
                    Files.write(temporary, value.bytes());
                    owner(temporary, file.uid(), file.gid());
                    Files.setPosixFilePermissions(temporary, permissions(file.mode()));
                    try {
                        Files.move(
                                temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } finally {
                    Files.deleteIfExists(temporary);
                }
                return target;
            } catch (IOException | UnsupportedOperationException e) {
                throw new PodStartException(
                        "cannot write secret " + file.secret() + " of container " + container.name() + " below "
                                + root + ": " + e.getMessage() + "; the daemon's user must be able to create it (root,"
                                + " or pass a directory of its own)",
                        e);
            }
        }
    }

    private void createPrivateDirectories(Path directory) throws IOException {
        Path instanceRoot = root;
        Files.createDirectories(directory);
        for (Path dir = directory; dir != null && dir.startsWith(instanceRoot.getParent()); dir = dir.getParent()) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIRECTORY);
        }
    }

    /** The file belongs to the container's user; only root can give it away, so others keep their own. */
    private static void owner(Path file, int uid, int gid) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        Object currentUid = Files.getAttribute(file, "unix:uid");
        if (currentUid instanceof Integer own && own == uid && (int) Files.getAttribute(file, "unix:gid") == gid) {
            return;
        }
        if (view == null) {
            throw new IOException("the file system has no owners; secret files need a POSIX file system");
        }
        Files.setAttribute(file, "unix:uid", uid);
        Files.setAttribute(file, "unix:gid", gid);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int bit = 0; bit < bits.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(bits[bit]);
            }
        }
        return permissions;
    }

    /**
     * Removes the secret files and objects no pod needs: the versions of a service that neither its desired spec nor
     * any of its pods use (after {@link #GRACE}), and everything of a service that has left the status once the
     * engine shows no container of it. Called after every status change; the engine is asked
     * at most every {@link #LIST_INTERVAL}.
     */
    public void sweep(Map<String, ServiceStatus> services) {
        Instant now = clock.instant();
        created.values().removeIf(at -> at.plus(GRACE.multipliedBy(10)).isBefore(now));
        synchronized (lock) {
            for (Path serviceDirectory : children(root)) {
                String service = serviceDirectory.getFileName().toString();
                Set<String> inUse = inUse(services.get(service));
                for (Path version : children(serviceDirectory)) {
                    if (!inUse.contains(version.getFileName().toString())
                            && removable(services, service, version.toString(), now)) {
                        delete(version, service);
                    }
                }
            }
        }
        if (now.isBefore(nextListing)) {
            return;
        }
        nextListing = now.plus(LIST_INTERVAL);
        if (!runtime.hasSecretObjects()) {
            return;
        }
        List<String> names;
        try {
            names = runtime.listSecrets();
        } catch (ContainerRuntimeException e) {
            log.atDebug().log("cannot list secret objects: " + e.getMessage());
            return;
        }
        Set<String> inUse = new HashSet<>();
        services.values().forEach(status -> inUse.addAll(inUse(status)));
        for (String name : names) {
            hashOf(name).ifPresent(hash -> {
                if (!inUse.contains(hash) && isOld(name, now)) {
                    try {
                        runtime.removeSecret(name);
                        created.remove(name);
                        log.atInfo().log("removed secret object " + name + ": no pod or desired spec uses it");
                    } catch (ContainerRuntimeException e) {
                        log.atWarn().log("cannot remove secret object " + name + ": " + e.getMessage());
                    }
                }
            });
        }
    }

    /** The spec hash in one of our object names ({@link #objectName}); empty for anything else. */
    private Optional<String> hashOf(String name) {
        if (!name.startsWith(objectPrefix())) {
            return Optional.empty();
        }
        String[] parts = name.substring(objectPrefix().length()).split("\\.", -1);
        return parts.length == 2 ? Optional.of(parts[0]) : Optional.empty();
    }

    private static Set<String> inUse(@org.jspecify.annotations.Nullable ServiceStatus status) {
        Set<String> inUse = new HashSet<>();
        if (status != null) {
            status.desired().ifPresent(desired -> inUse.add(PodTemplateHash.base(desired.configHash())));
            status.pods().stream()
                    .map(PodStatus::configHash)
                    .map(PodTemplateHash::base)
                    .forEach(inUse::add);
        }
        return inUse;
    }

    /**
     * A version nobody uses may go once its grace is over (a pod may be starting on it, not yet in the status); of a
     * service that left the status, only once the engine shows no container of it either.
     */
    private boolean removable(Map<String, ServiceStatus> services, String service, String key, Instant now) {
        return isOld(key, now) && (services.containsKey(service) || noContainers(service));
    }

    private boolean isOld(String key, Instant now) {
        Instant at = created.get(key);
        return at == null || at.plus(GRACE).isBefore(now);
    }

    private boolean noContainers(String service) {
        try {
            return runtime.listContainers(ownership.service(service)).isEmpty();
        } catch (ContainerRuntimeException e) {
            return false;
        }
    }

    private static List<Path> children(Path directory) {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.filter(path -> Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))
                    .toList();
        } catch (IOException e) {
            return new ArrayList<>();
        }
    }

    private void delete(Path directory, String service) {
        try {
            InlineFiles.deleteTree(directory);
            created.remove(directory.toString());
            log.atInfo().addKeyValue("service", service).log("removed secret files of an unused version " + directory);
        } catch (IOException e) {
            log.atWarn().addKeyValue("service", service).log("cannot remove secret files " + directory + ": " + e);
        }
    }
}
