package io.orbit.runtime.testing;

import static java.util.Objects.requireNonNull;

import io.orbit.runtime.ConflictException;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerEvent;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.ContainerStats;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.EventListener;
import io.orbit.runtime.EventSubscription;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.ImageDetails;
import io.orbit.runtime.ImagePullException;
import io.orbit.runtime.LabelSelector;
import io.orbit.runtime.LogLine;
import io.orbit.runtime.LogListener;
import io.orbit.runtime.LogStream;
import io.orbit.runtime.Mount;
import io.orbit.runtime.NetworkAttachment;
import io.orbit.runtime.NetworkDetails;
import io.orbit.runtime.NetworkSpec;
import io.orbit.runtime.NotFoundException;
import io.orbit.runtime.OomStatus;
import io.orbit.runtime.PortBinding;
import io.orbit.runtime.PullProgressListener;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.RuntimeApiException;
import io.orbit.runtime.VolumeDetails;
import io.orbit.runtime.VolumeSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A container engine in memory: states, names, labels, networks, volumes, events and exec behave as on the real
 * engines (it passes the same contract suite), published ports are real loopback listeners, and processes follow the
 * fixture image's vocabulary ({@link Workload}). Tests can also crash or OOM-kill a container at will.
 *
 * <p>Thread-safe: one lock guards all state; events are delivered on each subscription's own thread.
 */
public final class InMemoryContainerRuntime implements ContainerRuntime {

    static final long HOST_MEMORY_BYTES = 8L << 30;

    private final Object lock = new Object();
    private final Map<String, FakeImage> images = new HashMap<>();
    /** What a pull of a reference brings (a registry's newer image under a tag); pulls of others keep the local one. */
    private final Map<String, FakeImage> registry = new HashMap<>();
    /** References whose pulls fail, with the reason. */
    private final Map<String, String> failingPulls = new HashMap<>();

    private final Map<String, FakeContainer> containers = new LinkedHashMap<>();
    private final Map<String, NetworkDetails> networks = new LinkedHashMap<>();
    private final Map<String, FakeVolume> volumes = new LinkedHashMap<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final InstantSource clock;
    private final ScheduledExecutorService processes;
    private int nextAddress = 2;
    /** Made-up host PIDs of started containers: each start gets a new one, as a real engine's would. */
    private long nextPid = 1000;
    /** Container listings answered (by labels or by name prefix): what a real engine spends most of an idle pass on. */
    private long containerListings;

    private record FakeVolume(VolumeDetails details, Map<String, String> files) {}

    public InMemoryContainerRuntime(InstantSource clock, Collection<FakeImage> images) {
        this.clock = requireNonNull(clock, "clock is null");
        images.forEach(this::addImage);
        this.processes = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("orbit-fake-processes").factory());
    }

    /** How many container listings (by labels or by name prefix) this runtime has answered. */
    public long containerListings() {
        synchronized (lock) {
            return containerListings;
        }
    }

    /** A runtime with the fixture image and the system clock. */
    public static InMemoryContainerRuntime withFixtureImage() {
        return new InMemoryContainerRuntime(InstantSource.system(), List.of(FakeImage.fixture()));
    }

    public void addImage(FakeImage image) {
        synchronized (lock) {
            images.put(normalise(image.reference()), image);
        }
    }

    // ---- test hooks ---------------------------------------------------------------------------------------

    /** A registry now has {@code image} under its reference: the next pull of it replaces the local image. */
    public void publish(FakeImage image) {
        synchronized (lock) {
            registry.put(normalise(image.reference()), image);
        }
    }

    /** Pulls of {@code reference} fail with {@code reason} (an unreachable registry) until {@link #healPulls}. */
    public void failPulls(String reference, String reason) {
        synchronized (lock) {
            failingPulls.put(normalise(reference), reason);
        }
    }

    public void healPulls(String reference) {
        synchronized (lock) {
            failingPulls.remove(normalise(reference));
        }
    }

    /** The container's main process exits with this code now, as if it crashed. */
    public void crash(String containerId, int exitCode) {
        synchronized (lock) {
            terminate(require(containerId), exitCode, false);
        }
    }

    /** The kernel OOM-kills the container's main process now. */
    public void oomKill(String containerId) {
        synchronized (lock) {
            terminate(require(containerId), 137, true);
        }
    }

    // ---- the port -----------------------------------------------------------------------------------------

    @Override
    public EngineInfo info() {
        return new EngineInfo(
                "in-memory",
                "1.0",
                "1.0",
                false,
                2,
                EnumSet.of(
                        EngineInfo.Capability.RESOURCE_LIMITS,
                        EngineInfo.Capability.STATS,
                        EngineInfo.Capability.OOM_DETECTION,
                        EngineInfo.Capability.CONTAINER_IP_REACHABLE),
                "memory://");
    }

    @Override
    public String createContainer(ContainerSpec spec) {
        synchronized (lock) {
            if (containers.values().stream().anyMatch(c -> c.spec.name().equals(spec.name()))) {
                throw new ConflictException(
                        ResourceKind.CONTAINER, spec.name(), "the container name is already in use");
            }
            FakeImage image = images.get(normalise(spec.image()));
            if (image == null) {
                throw new NotFoundException(ResourceKind.IMAGE, spec.image(), "no such image");
            }
            for (NetworkAttachment network : spec.networks()) {
                if (!networks.containsKey(network.network())) {
                    throw new NotFoundException(ResourceKind.NETWORK, network.network(), "network not found");
                }
            }
            for (Mount mount : spec.mounts()) {
                if (mount instanceof Mount.Volume volume && !volumes.containsKey(volume.volume())) {
                    createVolume(VolumeSpec.local(volume.volume(), Map.of()));
                }
            }
            String id = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
            FakeContainer container = new FakeContainer(id, spec, image);
            containers.put(id, container);
            emit(container, ContainerEvent.Type.CREATE, OptionalInt.empty());
            return id;
        }
    }

    @Override
    public void startContainer(String containerId) {
        synchronized (lock) {
            FakeContainer container = require(containerId);
            if (container.isRunning()) {
                return;
            }
            container.state = ContainerState.RUNNING;
            container.pid = nextPid++;
            container.startedAt = clock.instant();
            container.finishedAt = null;
            container.exitCode = 0;
            container.oom = OomStatus.NOT_KILLED;
            for (NetworkAttachment network : container.spec.networks()) {
                container.networkAddresses.put(network.network(), "10.89.0." + nextAddress++);
            }
            publishPorts(container);
            ExecResult printed = FakeShell.printedAtStart(new ShellView(container), container.spec.command());
            container.log.append(LogLine.Stream.STDOUT, clock.instant(), printed.stdout());
            container.log.append(LogLine.Stream.STDERR, clock.instant(), printed.stderr());
            emit(container, ContainerEvent.Type.START, OptionalInt.empty());
            scheduleWorkload(container);
        }
    }

    private void publishPorts(FakeContainer container) {
        container.publishedPorts.clear();
        for (PortBinding port : container.spec.ports()) {
            try {
                int hostPort;
                if (container.workload instanceof Workload.Serve) {
                    FakeHttpListener listener = FakeHttpListener.open(
                            port.hostIp(), port.hostPort(), container.image.httpBody(), container.spec.name());
                    container.listeners.add(listener);
                    hostPort = listener.port();
                } else {
                    hostPort = port.hostPort() != 0 ? port.hostPort() : freePort();
                }
                container.publishedPorts.add(
                        new PortBinding(port.containerPort(), port.protocol(), port.hostIp(), hostPort));
            } catch (IOException e) {
                container.closeListeners();
                container.state = ContainerState.CREATED;
                throw new RuntimeApiException(
                        "start container " + container.spec.name(), 500, "cannot bind " + port + ": " + e.getMessage());
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void scheduleWorkload(FakeContainer container) {
        long run = container.startedAt == null ? 0 : container.startedAt.toEpochMilli();
        Runnable exit = switch (container.workload) {
            case Workload.ExitAfter(Duration delay, int code) -> delayed(container, run, delay, code, false);
            case Workload.Allocate(long bytes) -> {
                long limit = container.spec.limits().memoryBytes();
                boolean killed = limit > 0 && bytes > limit;
                yield delayed(container, run, Duration.ZERO, killed ? 137 : 0, killed);
            }
            case Workload.Serve serve -> null;
            case Workload.Idle idle -> null;
            case Workload.Busy busy -> null;
        };
        if (exit != null) {
            processes.execute(exit);
        }
    }

    private Runnable delayed(FakeContainer container, long run, Duration delay, int exitCode, boolean oom) {
        return () -> processes.schedule(
                () -> {
                    synchronized (lock) {
                        // Only the run that scheduled this exit may end; a restart starts a new run.
                        if (container.startedAt != null && container.startedAt.toEpochMilli() == run) {
                            terminate(container, exitCode, oom);
                        }
                    }
                },
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void terminate(FakeContainer container, int exitCode, boolean oom) {
        if (!container.isRunning()) {
            return;
        }
        container.closeListeners();
        container.state = ContainerState.EXITED;
        container.exitCode = exitCode;
        container.oom = oom ? OomStatus.KILLED : OomStatus.NOT_KILLED;
        container.finishedAt = clock.instant();
        container.networkAddresses.clear();
        container.log.endFollowers();
        if (oom) {
            emit(container, ContainerEvent.Type.OOM, OptionalInt.empty());
        }
        emit(container, ContainerEvent.Type.DIE, OptionalInt.of(exitCode));
    }

    @Override
    public void stopContainer(String containerId, Duration timeout) {
        synchronized (lock) {
            FakeContainer container = require(containerId);
            // The fixture's server traps SIGTERM and exits 0; anything else is killed when the timeout runs out.
            terminate(container, container.workload instanceof Workload.Serve ? 0 : 137, false);
        }
    }

    @Override
    public void killContainer(String containerId, String signal) {
        synchronized (lock) {
            FakeContainer container = require(containerId);
            if (!container.isRunning()) {
                throw new ConflictException(
                        ResourceKind.CONTAINER, container.spec.name(), "container " + containerId + " is not running");
            }
            terminate(container, 128 + signalNumber(signal), false);
        }
    }

    private static int signalNumber(String signal) {
        return switch (signal.toUpperCase(java.util.Locale.ROOT).replaceFirst("^SIG", "")) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "KILL" -> 9;
            case "USR1" -> 10;
            case "USR2" -> 12;
            case "TERM" -> 15;
            default -> Integer.parseInt(signal);
        };
    }

    @Override
    public void removeContainer(String containerId) {
        synchronized (lock) {
            FakeContainer container = require(containerId);
            terminate(container, 137, false);
            container.log.endFollowers();
            containers.remove(container.id);
            emit(container, ContainerEvent.Type.REMOVE, OptionalInt.empty());
        }
    }

    @Override
    public ContainerDetails inspectContainer(String containerIdOrName) {
        synchronized (lock) {
            return require(containerIdOrName).details();
        }
    }

    @Override
    public List<ContainerSummary> listContainers(LabelSelector selector) {
        synchronized (lock) {
            containerListings++;
            return containers.values().stream()
                    .filter(container -> selector.matches(container.spec.labels()))
                    .map(FakeContainer::summary)
                    .toList();
        }
    }

    @Override
    public List<ContainerSummary> listContainersByNamePrefix(String prefix) {
        synchronized (lock) {
            containerListings++;
            return containers.values().stream()
                    .filter(container -> container.spec.name().startsWith(prefix))
                    .map(FakeContainer::summary)
                    .toList();
        }
    }

    @Override
    public List<ContainerStats> stats(Collection<String> containerIds) {
        synchronized (lock) {
            List<ContainerStats> stats = new ArrayList<>();
            for (String id : containerIds) {
                FakeContainer container = find(id);
                if (container == null || !container.isRunning()) {
                    continue;
                }
                long nanoCpus = container.spec.limits().nanoCpus();
                double cpu = container.workload instanceof Workload.Busy ? (nanoCpus > 0 ? nanoCpus / 1e7 : 100) : 0.1;
                long limit = container.spec.limits().memoryBytes();
                stats.add(new ContainerStats(
                        container.id, cpu, 4L << 20, limit > 0 ? limit : HOST_MEMORY_BYTES, clock.instant()));
            }
            return stats;
        }
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        FakeShell.Container view;
        synchronized (lock) {
            FakeContainer container = require(containerId);
            if (!container.isRunning()) {
                throw new ConflictException(
                        ResourceKind.CONTAINER, container.spec.name(), "container state improper: not running");
            }
            view = new ShellView(container);
        }
        return FakeShell.run(view, command);
    }

    @Override
    public LogStream logs(String containerId, int tail, boolean follow, LogListener listener) {
        if (tail < ALL_LINES) {
            throw new IllegalArgumentException("tail must be ALL_LINES (-1) or at least 0, got " + tail);
        }
        synchronized (lock) {
            FakeContainer container = require(containerId);
            return container.log.open(tail, follow, container.isRunning(), listener);
        }
    }

    @Override
    public EventSubscription subscribe(LabelSelector selector, EventListener listener) {
        Subscription subscription = new Subscription(selector, listener);
        subscriptions.add(subscription);
        return subscription;
    }

    @Override
    public NetworkDetails createNetwork(NetworkSpec spec) {
        synchronized (lock) {
            if (networks.containsKey(spec.name())) {
                throw new ConflictException(ResourceKind.NETWORK, spec.name(), "network already exists");
            }
            NetworkDetails network =
                    new NetworkDetails(UUID.randomUUID().toString().replace("-", ""), spec.name(), true, spec.labels());
            networks.put(spec.name(), network);
            return network;
        }
    }

    @Override
    public List<NetworkDetails> listNetworks(LabelSelector selector) {
        synchronized (lock) {
            return networks.values().stream()
                    .filter(network -> selector.matches(network.labels()))
                    .toList();
        }
    }

    @Override
    public void removeNetwork(String name) {
        synchronized (lock) {
            if (!networks.containsKey(name)) {
                throw new NotFoundException(ResourceKind.NETWORK, name, "network not found");
            }
            boolean inUse = containers.values().stream()
                    .anyMatch(c -> c.isRunning()
                            && c.spec.networks().stream()
                                    .anyMatch(n -> n.network().equals(name)));
            if (inUse) {
                throw new ConflictException(ResourceKind.NETWORK, name, "network has active endpoints");
            }
            networks.remove(name);
        }
    }

    @Override
    public VolumeDetails createVolume(VolumeSpec spec) {
        synchronized (lock) {
            return volumes.computeIfAbsent(
                            spec.name(),
                            name -> new FakeVolume(
                                    new VolumeDetails(
                                            name,
                                            spec.driver(),
                                            "/var/lib/orbit-fake/volumes/" + name + "/_data",
                                            spec.labels()),
                                    new HashMap<>()))
                    .details();
        }
    }

    @Override
    public Optional<VolumeDetails> inspectVolume(String name) {
        synchronized (lock) {
            return Optional.ofNullable(volumes.get(name)).map(FakeVolume::details);
        }
    }

    @Override
    public void removeVolume(String name) {
        synchronized (lock) {
            if (!volumes.containsKey(name)) {
                throw new NotFoundException(ResourceKind.VOLUME, name, "no such volume");
            }
            boolean inUse = containers.values().stream()
                    .anyMatch(c -> c.spec.mounts().stream()
                            .anyMatch(m ->
                                    m instanceof Mount.Volume v && v.volume().equals(name)));
            if (inUse) {
                throw new ConflictException(ResourceKind.VOLUME, name, "volume is in use");
            }
            volumes.remove(name);
        }
    }

    @Override
    public Optional<ImageDetails> inspectImage(String reference) {
        synchronized (lock) {
            return Optional.ofNullable(images.get(normalise(reference)))
                    .map(image -> new ImageDetails(image.id(), List.of(image.reference()), List.of()));
        }
    }

    @Override
    public ImageDetails pullImage(String reference, PullProgressListener progress) {
        synchronized (lock) {
            String key = normalise(reference);
            String failure = failingPulls.get(key);
            if (failure != null) {
                throw new ImagePullException(reference, failure);
            }
            FakeImage published = registry.get(key);
            if (published != null) {
                images.put(key, published);
            }
        }
        return inspectImage(reference)
                .orElseThrow(() -> new ImagePullException(reference, "the in-memory runtime has no registry"));
    }

    @Override
    public void close() {
        subscriptions.forEach(Subscription::close);
        processes.shutdownNow();
        synchronized (lock) {
            containers.values().forEach(FakeContainer::closeListeners);
        }
    }

    // ---- internals ----------------------------------------------------------------------------------------

    private FakeContainer require(String idOrName) {
        FakeContainer container = find(idOrName);
        if (container == null) {
            throw new NotFoundException(ResourceKind.CONTAINER, idOrName, "no such container");
        }
        return container;
    }

    private @Nullable FakeContainer find(String idOrName) {
        FakeContainer byId = containers.get(idOrName);
        if (byId != null) {
            return byId;
        }
        return containers.values().stream()
                .filter(c -> c.spec.name().equals(idOrName))
                .findFirst()
                .orElse(null);
    }

    /** {@code busybox} and {@code localhost/busybox:latest} name the same image, as on Podman. */
    private static String normalise(String reference) {
        String withoutHost =
                reference.startsWith("localhost/") ? reference.substring("localhost/".length()) : reference;
        return withoutHost.contains(":") ? withoutHost : withoutHost + ":latest";
    }

    private void emit(FakeContainer container, ContainerEvent.Type type, OptionalInt exitCode) {
        ContainerEvent event = new ContainerEvent(
                type, container.id, container.spec.name(), container.spec.labels(), exitCode, "", clock.instant());
        subscriptions.forEach(subscription -> subscription.offer(event));
    }

    /** What exec sees of a container: env, mounted and own files, and its networks' DNS. */
    private final class ShellView implements FakeShell.Container {
        private final FakeContainer container;

        ShellView(FakeContainer container) {
            this.container = container;
        }

        @Override
        public Map<String, String> env() {
            return container.spec.env();
        }

        @Override
        public Optional<String> readFile(String path) {
            synchronized (lock) {
                Optional<Mount> mount = mountOf(path);
                if (mount.isEmpty()) {
                    return Optional.ofNullable(container.ownFiles.get(path));
                }
                String relative = path.substring(mount.get().target().length()).replaceFirst("^/", "");
                return switch (mount.get()) {
                    case Mount.Bind bind -> readHostFile(bind.source().resolve(relative));
                    case Mount.Volume volume ->
                        Optional.ofNullable(volumes.get(volume.volume()))
                                .map(v -> v.files().get(relative));
                };
            }
        }

        @Override
        public Optional<String> writeFile(String path, String content) {
            synchronized (lock) {
                Optional<LogLine.Stream> output = mainProcessOutput(path);
                if (output.isPresent()) {
                    container.log.append(output.get(), clock.instant(), content);
                    return Optional.empty();
                }
                Optional<Mount> mount = mountOf(path);
                if (mount.isEmpty()) {
                    container.ownFiles.put(path, content);
                    return Optional.empty();
                }
                if (mount.get().readOnly()) {
                    return Optional.of("Read-only file system");
                }
                String relative = path.substring(mount.get().target().length()).replaceFirst("^/", "");
                return switch (mount.get()) {
                    case Mount.Bind bind -> writeHostFile(bind.source().resolve(relative), content);
                    case Mount.Volume volume -> {
                        // create() made every named volume and removeVolume() refuses one in use, so it is there.
                        requireNonNull(volumes.get(volume.volume()), volume.volume())
                                .files()
                                .put(relative, content);
                        yield Optional.empty();
                    }
                };
            }
        }

        /** {@code /proc/1/fd/1} and {@code 2}: what the container's main process prints, so its log. */
        private static Optional<LogLine.Stream> mainProcessOutput(String path) {
            return switch (path) {
                case "/proc/1/fd/1" -> Optional.of(LogLine.Stream.STDOUT);
                case "/proc/1/fd/2" -> Optional.of(LogLine.Stream.STDERR);
                default -> Optional.empty();
            };
        }

        private Optional<Mount> mountOf(String path) {
            return container.spec.mounts().stream()
                    .filter(m -> path.equals(m.target()) || path.startsWith(m.target() + "/"))
                    .max(java.util.Comparator.comparingInt(m -> m.target().length()));
        }

        @Override
        public Optional<String> httpGet(String host, int port, String path) {
            synchronized (lock) {
                Map<String, FakeContainer> running = containers.values().stream()
                        .filter(FakeContainer::isRunning)
                        .collect(Collectors.toMap(c -> c.id, Function.identity()));
                return running.values().stream()
                        .filter(target -> target.answersTo(host) && sharesNetworkWith(target))
                        .filter(target -> target.workload instanceof Workload.Serve && port == 8080)
                        .map(target -> target.image.httpBody())
                        .findFirst();
            }
        }

        private boolean sharesNetworkWith(FakeContainer target) {
            return container.spec.networks().stream()
                    .anyMatch(mine -> target.spec.networks().stream()
                            .anyMatch(theirs -> theirs.network().equals(mine.network())));
        }
    }

    private static Optional<String> readHostFile(java.nio.file.Path file) {
        try {
            return Optional.of(java.nio.file.Files.readString(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> writeHostFile(java.nio.file.Path file, String content) {
        try {
            java.nio.file.Files.writeString(file, content);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    /** Delivers matching events in order on its own thread, like an engine's event stream. */
    private static final class Subscription implements EventSubscription {
        private final LabelSelector selector;
        private final EventListener listener;
        private final java.util.concurrent.ExecutorService delivery;
        private volatile boolean open = true;

        Subscription(LabelSelector selector, EventListener listener) {
            this.selector = selector;
            this.listener = listener;
            this.delivery = Executors.newSingleThreadExecutor(
                    Thread.ofPlatform().daemon().name("orbit-fake-events").factory());
        }

        void offer(ContainerEvent event) {
            if (open && selector.matches(event.labels())) {
                delivery.execute(() -> listener.onEvent(event));
            }
        }

        @Override
        public boolean isConnected() {
            return open;
        }

        @Override
        public void close() {
            open = false;
            delivery.shutdownNow();
        }
    }
}
