package io.orbit.runtime.podman;

import static io.orbit.runtime.podman.internal.LibpodClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.CapabilityUnavailableException;
import io.orbit.runtime.ConflictException;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.ContainerStats;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.EventListener;
import io.orbit.runtime.EventSubscription;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.ImageDetails;
import io.orbit.runtime.ImagePullException;
import io.orbit.runtime.LabelSelector;
import io.orbit.runtime.LogListener;
import io.orbit.runtime.LogStream;
import io.orbit.runtime.NetworkDetails;
import io.orbit.runtime.NetworkSpec;
import io.orbit.runtime.NotFoundException;
import io.orbit.runtime.PullProgressListener;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.SecretSpec;
import io.orbit.runtime.VolumeDetails;
import io.orbit.runtime.VolumeSpec;
import io.orbit.runtime.http.EngineLogStream;
import io.orbit.runtime.http.ReconnectingEventStream;
import io.orbit.runtime.podman.internal.BatchStatsReader;
import io.orbit.runtime.podman.internal.ContainerExec;
import io.orbit.runtime.podman.internal.ContainerRecords;
import io.orbit.runtime.podman.internal.ImagePull;
import io.orbit.runtime.podman.internal.LibpodClient;
import io.orbit.runtime.podman.internal.LibpodEvents;
import io.orbit.runtime.podman.internal.PodmanInfo;
import io.orbit.runtime.podman.internal.PodmanOperation;
import io.orbit.runtime.podman.internal.ResourceRecords;
import io.orbit.runtime.podman.internal.SpecGeneratorBody;
import io.orbit.runtime.podman.internal.Subject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContainerRuntime} on Podman's libpod API ({@code /v4.0.0/libpod}), rootful or rootless. Thread-safe.
 *
 * <p>libpod rather than Podman's Docker-compatible API, because only libpod says whether the engine is rootless and
 * which cgroup controllers it has, batches stats of many containers in one call, and creates networks with DNS
 * explicitly. Status codes become exceptions in {@code PodmanErrors} only.
 *
 * <p>Longer than 300 lines: one short method per operation of the runtime port; the wire details are in internal.
 */
public final class PodmanContainerRuntime implements ContainerRuntime {

    private static final Logger log = LoggerFactory.getLogger(PodmanContainerRuntime.class);

    /** How long a stop may take beyond the container's grace period before the call itself gives up. */
    private static final Duration STOP_SLACK = Duration.ofSeconds(30);

    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

    private final LibpodClient libpod;
    private final BatchStatsReader stats;
    private final ContainerExec exec;
    private final ImagePull pull;
    /** What the host can do does not change while the engine runs; read once, on first need. */
    private volatile @Nullable EngineInfo knownInfo;

    /** How long a pull may go without progress by default ({@code pull_timeout}). */
    public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(5);

    private PodmanContainerRuntime(LibpodClient libpod, Duration pullTimeout) {
        this.libpod = libpod;
        this.stats = new BatchStatsReader(libpod);
        this.exec = new ContainerExec(libpod);
        this.pull = new ImagePull(libpod, pullTimeout);
    }

    /** A runtime on the Podman service at that Unix socket; connects lazily, so a dead engine fails the first call. */
    public static PodmanContainerRuntime open(Path socket) {
        return open(socket, DEFAULT_PULL_TIMEOUT);
    }

    /** @param pullTimeout a pull that hears nothing from the engine for this long fails, naming the registry */
    public static PodmanContainerRuntime open(Path socket, Duration pullTimeout) {
        return new PodmanContainerRuntime(LibpodClient.open(socket), pullTimeout);
    }

    @Override
    public EngineInfo info() {
        JsonNode info = libpod.send(PodmanOperation.INFO, Subject.of("podman"), "GET", "/info", null);
        EngineInfo fresh = PodmanInfo.toEngineInfo(info, libpod.endpoint());
        knownInfo = fresh;
        return fresh;
    }

    @Override
    public void ping() {
        libpod.exchange(PodmanOperation.PING, Subject.of("podman"), "GET", "/_ping", null, PING_TIMEOUT);
    }

    private boolean supports(EngineInfo.Capability capability) {
        EngineInfo known = knownInfo;
        return (known == null ? info() : known).supports(capability);
    }

    @Override
    public String createContainer(ContainerSpec spec) {
        Subject subject = Subject.of(spec.name()).and(ResourceKind.IMAGE, spec.image());
        if (spec.networks().size() == 1) {
            // A missing network then has a name in the error; with several, libpod's message names it.
            subject = subject.and(ResourceKind.NETWORK, spec.networks().get(0).network());
        }
        JsonNode created = libpod.send(
                PodmanOperation.CREATE_CONTAINER, subject, "POST", "/containers/create", SpecGeneratorBody.of(spec));
        // Rootless cgroup v1 answers "Resource limits are not supported and ignored" here, and nowhere else.
        created.path("Warnings")
                .forEach(warning ->
                        log.atWarn().addKeyValue("container", spec.name()).log("podman: {}", warning.asText()));
        return created.path("Id").asText();
    }

    @Override
    public void startContainer(String containerId) {
        containerCall(PodmanOperation.START_CONTAINER, "POST", containerId, "/start", LibpodClient.DEFAULT_TIMEOUT);
    }

    @Override
    public void stopContainer(String containerId, Duration timeout) {
        String query = "/stop?timeout=" + LibpodClient.wholeSeconds(timeout);
        containerCall(PodmanOperation.STOP_CONTAINER, "POST", containerId, query, timeout.plus(STOP_SLACK));
    }

    @Override
    public void killContainer(String containerId, String signal) {
        String query = "/kill?signal=" + LibpodClient.query(signal);
        containerCall(PodmanOperation.KILL_CONTAINER, "POST", containerId, query, LibpodClient.DEFAULT_TIMEOUT);
    }

    /** timeout=0: libpod's forced remove would otherwise wait the container's stop timeout before killing it. */
    @Override
    public void removeContainer(String containerId) {
        String query = "?force=true&v=true&timeout=0";
        containerCall(PodmanOperation.REMOVE_CONTAINER, "DELETE", containerId, query, LibpodClient.DEFAULT_TIMEOUT);
    }

    private void containerCall(
            PodmanOperation operation, String method, String containerId, String suffix, Duration timeout) {
        String path = "/containers/" + segment(containerId) + suffix;
        libpod.exchange(operation, Subject.of(containerId), method, path, null, timeout);
    }

    @Override
    public ContainerDetails inspectContainer(String containerIdOrName) {
        String path = "/containers/" + segment(containerIdOrName) + "/json";
        JsonNode inspect =
                libpod.send(PodmanOperation.INSPECT_CONTAINER, Subject.of(containerIdOrName), "GET", path, null);
        return ContainerRecords.details(inspect, supports(EngineInfo.Capability.OOM_DETECTION));
    }

    @Override
    public List<ContainerSummary> listContainers(LabelSelector selector) {
        String path = "/containers/json?all=true&filters=" + labelFilter(selector);
        JsonNode listed = libpod.send(PodmanOperation.LIST_CONTAINERS, describe(selector), "GET", path, null);
        return elements(listed)
                .filter(container -> !ContainerRecords.isPodInfra(container))
                .map(ContainerRecords::summary)
                .filter(summary -> selector.matches(summary.labels()))
                .toList();
    }

    @Override
    public List<ContainerSummary> listContainersByNamePrefix(String prefix) {
        // libpod's name filter is an unanchored regex: narrow it server-side, match the prefix exactly here.
        String path = "/containers/json?all=true&filters=" + LibpodClient.filters(Map.of("name", List.of(prefix)));
        JsonNode listed = libpod.send(PodmanOperation.LIST_CONTAINERS, Subject.of(prefix + "*"), "GET", path, null);
        return elements(listed)
                .filter(container -> !ContainerRecords.isPodInfra(container))
                .map(ContainerRecords::summary)
                .filter(summary -> summary.name().startsWith(prefix))
                .toList();
    }

    @Override
    public List<ContainerStats> stats(Collection<String> containerIds) {
        if (!supports(EngineInfo.Capability.STATS)) {
            throw new CapabilityUnavailableException(
                    EngineInfo.Capability.STATS,
                    "rootless Podman on cgroup v1 has no per-container cgroups to read (libpod answers 409); run"
                            + " Podman rootful or on cgroup v2, or scale on latency and concurrency instead");
        }
        return stats.sample(containerIds);
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        return exec.run(containerId, command, timeout);
    }

    /**
     * libpod answers in Docker's shape: the raw multiplexed stream with a time on every line (whole seconds in Podman
     * 4; with k8s-file logs, a partial line is joined to its neighbour when times are on). An inspect first makes an
     * unknown container fail here: the stream itself is opened on its own thread, as libpod sends no answer head for
     * a follow until the container prints.
     */
    @Override
    public LogStream logs(String containerId, int tail, boolean follow, LogListener listener) {
        String path = "/containers/" + segment(containerId) + "/logs?stdout=true&stderr=true&timestamps=true&tail="
                + EngineLogStream.tailQuery(tail, "-1") + "&follow=" + follow;
        Subject subject = Subject.of(containerId);
        libpod.send(
                PodmanOperation.CONTAINER_LOGS,
                subject,
                "GET",
                "/containers/" + segment(containerId) + "/exists",
                null);
        return EngineLogStream.start(
                "orbit-podman-logs",
                libpod.prepareStream("GET", path),
                stream -> LibpodClient.check(PodmanOperation.CONTAINER_LOGS, subject, stream),
                listener,
                e -> libpod.brokenStream("the logs of " + containerId, e));
    }

    @Override
    public EventSubscription subscribe(LabelSelector selector, EventListener listener) {
        String path = LibpodEvents.path(selector);
        return ReconnectingEventStream.start(
                "orbit-podman-events",
                () -> libpod.stream(
                        PodmanOperation.EVENTS, describe(selector), "GET", path, ReconnectingEventStream.IDLE_DEADLINE),
                event -> LibpodEvents.parse(event, selector),
                listener);
    }

    /** dns_enabled must be asked for: libpod's default is off, and then aliases do not resolve. */
    @Override
    public NetworkDetails createNetwork(NetworkSpec spec) {
        Map<String, Object> body =
                Map.of("name", spec.name(), "driver", "bridge", "dns_enabled", true, "labels", spec.labels());
        Subject subject = Subject.of(spec.name());
        libpod.send(PodmanOperation.CREATE_NETWORK, subject, "POST", "/networks/create", body);
        // The create answer echoes dns_enabled=true even where the CNI backend lacks the dnsname plugin and dropped
        // it; the stored network tells the truth.
        String path = "/networks/" + segment(spec.name()) + "/json";
        return ResourceRecords.network(libpod.send(PodmanOperation.INSPECT_NETWORK, subject, "GET", path, null));
    }

    @Override
    public List<NetworkDetails> listNetworks(LabelSelector selector) {
        String path = "/networks/json?filters=" + labelFilter(selector);
        JsonNode listed = libpod.send(PodmanOperation.LIST_NETWORKS, describe(selector), "GET", path, null);
        return elements(listed)
                .map(ResourceRecords::network)
                .filter(network -> selector.matches(network.labels()))
                .toList();
    }

    @Override
    public void removeNetwork(String name) {
        libpod.send(PodmanOperation.REMOVE_NETWORK, Subject.of(name), "DELETE", "/networks/" + segment(name), null);
    }

    /** libpod answers 500 "volume already exists" to a repeated create; the port wants the existing volume back. */
    @Override
    public VolumeDetails createVolume(VolumeSpec spec) {
        Map<String, Object> body = Map.of(
                "Name", spec.name(), "Driver", spec.driver(), "Options", spec.driverOptions(), "Labels", spec.labels());
        try {
            JsonNode created = libpod.send(
                    PodmanOperation.CREATE_VOLUME, Subject.of(spec.name()), "POST", "/volumes/create", body);
            return ResourceRecords.volume(created);
        } catch (ConflictException exists) {
            return inspectVolume(spec.name()).orElseThrow(() -> exists);
        }
    }

    @Override
    public Optional<VolumeDetails> inspectVolume(String name) {
        String path = "/volumes/" + segment(name) + "/json";
        return libpod.find(PodmanOperation.INSPECT_VOLUME, Subject.of(name), path)
                .map(ResourceRecords::volume);
    }

    @Override
    public void removeVolume(String name) {
        libpod.send(PodmanOperation.REMOVE_VOLUME, Subject.of(name), "DELETE", "/volumes/" + segment(name), null);
    }

    @Override
    public boolean hasSecretObjects() {
        return true;
    }

    /**
     * libpod reads the request body as the secret's bytes ({@code podman secret create NAME -}). A repeated create
     * answers an error ("secret name in use"); the name carries a digest of the value, so an existing one is kept.
     * Labels are not sent: Podman 4.3 has none on secrets; the name's prefix marks ours.
     */
    @Override
    public void createSecret(SecretSpec spec) {
        String path = "/secrets/create?name=" + LibpodClient.query(spec.name()) + "&driver=file";
        try {
            libpod.send(PodmanOperation.CREATE_SECRET, Subject.of(spec.name()), "POST", path, spec.data());
        } catch (ContainerRuntimeException e) {
            if (!listSecrets().contains(spec.name())) {
                throw e;
            }
        }
    }

    @Override
    public void removeSecret(String name) {
        try {
            libpod.send(PodmanOperation.REMOVE_SECRET, Subject.of(name), "DELETE", "/secrets/" + segment(name), null);
        } catch (NotFoundException gone) {
            // already removed: what was asked for
        }
    }

    @Override
    public List<String> listSecrets() {
        JsonNode secrets =
                libpod.send(PodmanOperation.LIST_SECRETS, Subject.of("secrets"), "GET", "/secrets/json", null);
        return StreamSupport.stream(secrets.spliterator(), false)
                .map(secret -> secret.path("Spec").path("Name").asText(""))
                .filter(name -> !name.isEmpty())
                .toList();
    }

    @Override
    public Optional<ImageDetails> inspectImage(String reference) {
        String path = "/images/" + LibpodClient.imagePath(reference) + "/json";
        return libpod.find(PodmanOperation.INSPECT_IMAGE, Subject.of(reference), path)
                .map(ResourceRecords::image);
    }

    @Override
    public ImageDetails pullImage(String reference, PullProgressListener progress) {
        String imageId = pull.pull(reference, progress);
        return inspectImage(imageId)
                .orElseThrow(() -> new ImagePullException(reference, "pulled image " + imageId + " vanished at once"));
    }

    @Override
    public void close() {
        libpod.close();
    }

    private static String labelFilter(LabelSelector selector) {
        return LibpodClient.filters(Map.of("label", selector.asFilterValues()));
    }

    private static Subject describe(LabelSelector selector) {
        return Subject.of(String.join(",", selector.asFilterValues()));
    }

    private static java.util.stream.Stream<JsonNode> elements(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }
}
