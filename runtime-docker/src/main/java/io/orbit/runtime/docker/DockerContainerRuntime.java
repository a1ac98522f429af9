package io.orbit.runtime.docker;

import io.orbit.runtime.CapabilityUnavailableException;
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
import io.orbit.runtime.NetworkAttachment;
import io.orbit.runtime.NetworkDetails;
import io.orbit.runtime.NetworkSpec;
import io.orbit.runtime.PullProgressListener;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.VolumeDetails;
import io.orbit.runtime.VolumeSpec;
import io.orbit.runtime.docker.internal.ContainerMapping;
import io.orbit.runtime.docker.internal.ContainerRequests;
import io.orbit.runtime.docker.internal.DockerApi;
import io.orbit.runtime.docker.internal.DockerErrors;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.docker.internal.DockerEvents;
import io.orbit.runtime.docker.internal.EngineInfoMapping;
import io.orbit.runtime.docker.internal.ExecRunner;
import io.orbit.runtime.docker.internal.ImageMapping;
import io.orbit.runtime.docker.internal.NetworkMapping;
import io.orbit.runtime.docker.internal.OomInference;
import io.orbit.runtime.docker.internal.ParallelStatsReader;
import io.orbit.runtime.docker.internal.VolumeMapping;
import io.orbit.runtime.http.EngineHttpClient;
import io.orbit.runtime.http.EngineLogStream;
import io.orbit.runtime.http.EngineResponse;
import io.orbit.runtime.http.EngineStream;
import io.orbit.runtime.http.ReconnectingEventStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContainerRuntime} on dockerd's Engine API v1.41 (Docker 20.10 and newer) over its Unix socket. Domain to
 * wire mapping only: the bodies and answers live in {@code internal}, and {@link DockerErrors} turns every status
 * into the port's exceptions. Thread-safe; owns a small platform-thread pool for stats and one thread per event
 * subscription, all stopped by {@link #close()}.
 *
 * <p>Longer than 300 lines: one short method per operation of the runtime port; the wire details are in internal.
 */
public final class DockerContainerRuntime implements ContainerRuntime {

    private static final Logger log = LoggerFactory.getLogger(DockerContainerRuntime.class);
    private static final String EVENTS_THREAD = "orbit-docker-events";
    /** Added to a stop's own timeout: the answer comes only after the container is down. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    /** A force remove is a SIGKILL plus cleanup: well under a second, unless the host is struggling. */
    private static final Duration REMOVE_TIMEOUT = Duration.ofSeconds(60);

    private final DockerApi api;
    private final ParallelStatsReader stats;
    private final ExecRunner execRunner;
    private final Set<ReconnectingEventStream> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile @Nullable EngineInfo knownInfo;

    /** How long a pull may go without progress by default ({@code pull_timeout}). */
    public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(5);

    private final Duration pullTimeout;

    private DockerContainerRuntime(DockerApi api, Duration pullTimeout) {
        this.api = api;
        this.pullTimeout = pullTimeout;
        this.stats = new ParallelStatsReader(api, InstantSource.system());
        this.execRunner = new ExecRunner(api);
    }

    /** Talks to the dockerd listening on {@code socket}; nothing is sent before the first call. */
    public static DockerContainerRuntime open(Path socket) {
        return open(socket, DEFAULT_PULL_TIMEOUT);
    }

    /** @param pullTimeout a pull that hears nothing from dockerd for this long fails, naming the registry */
    public static DockerContainerRuntime open(Path socket, Duration pullTimeout) {
        return new DockerContainerRuntime(DockerApi.open(socket), pullTimeout);
    }

    @Override
    public void ping() {
        api.send(new Target("ping the engine", ResourceKind.CONTAINER, "dockerd"), "GET", "/_ping", null, PING_TIMEOUT);
    }

    @Override
    public EngineInfo info() {
        Target target = new Target("read engine info", ResourceKind.CONTAINER, "dockerd");
        EngineResponse version = api.send(target, "GET", "/version", null);
        EngineResponse info = api.send(target, "GET", "/info", null);
        EngineInfo engineInfo = EngineInfoMapping.engineInfo(target, version, info, api.endpoint());
        knownInfo = engineInfo;
        return engineInfo;
    }

    @Override
    public String createContainer(ContainerSpec spec) {
        if (!spec.secrets().isEmpty()) {
            // Docker has secret objects only in swarm mode; the orchestrator bind-mounts secret files instead.
            throw new CapabilityUnavailableException(
                    EngineInfo.Capability.SECRET_OBJECTS,
                    "Docker has no secret objects outside swarm; mount secret files with a read-only bind instead"
                            + " (container " + spec.name() + ")");
        }
        Target target = new Target("create container", ResourceKind.CONTAINER, spec.name());
        String path = "/containers/create?name=" + DockerApi.query(spec.name());
        String id = ContainerRequests.createdId(target, api.send(target, "POST", path, ContainerRequests.create(spec)));
        try {
            for (NetworkAttachment network : ContainerRequests.furtherNetworks(spec)) {
                Target connect = new Target("connect container to network", ResourceKind.NETWORK, network.network());
                String connectPath = "/networks/" + DockerApi.segment(network.network()) + "/connect";
                api.send(connect, "POST", connectPath, ContainerRequests.connect(id, network));
            }
        } catch (ContainerRuntimeException e) {
            // A container missing one of its networks must not be left behind for the next start to pick up.
            try {
                removeContainer(id);
                log.atDebug()
                        .addKeyValue("container", spec.name())
                        .log("removed the container again: joining its networks failed");
            } catch (ContainerRuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return id;
    }

    @Override
    public void startContainer(String containerId) {
        api.send(target("start container", containerId), "POST", containerPath(containerId) + "/start", null);
    }

    @Override
    public void stopContainer(String containerId, Duration timeout) {
        long seconds = Math.max(0, (timeout.toMillis() + 999) / 1000);
        api.send(
                target("stop container", containerId),
                "POST",
                containerPath(containerId) + "/stop?t=" + seconds,
                null,
                timeout.plus(STOP_GRACE));
    }

    @Override
    public void killContainer(String containerId, String signal) {
        String path = containerPath(containerId) + "/kill?signal=" + DockerApi.query(signal);
        api.send(target("kill container", containerId), "POST", path, null);
    }

    @Override
    public void removeContainer(String containerId) {
        // force: SIGKILL without the stop timeout; v: anonymous volumes go with it.
        String path = containerPath(containerId) + "?force=true&v=true";
        api.send(target("remove container", containerId), "DELETE", path, null, REMOVE_TIMEOUT);
    }

    @Override
    public ContainerDetails inspectContainer(String containerIdOrName) {
        Target target = target("inspect container", containerIdOrName);
        ContainerDetails details = ContainerMapping.details(
                target, api.send(target, "GET", containerPath(containerIdOrName) + "/json", null));
        return OomInference.worthChecking(details) ? withOomFromHistory(details) : details;
    }

    /** Docker misses OOM kills right after start on cgroup v1; its event history tells them apart (OomInference). */
    private ContainerDetails withOomFromHistory(ContainerDetails details) {
        Target target = target("read the event history of container", details.id());
        String path = "/events?" + OomInference.historyQuery(details, Instant.now());
        EngineResponse history = api.send(target, "GET", path, null);
        return OomInference.withOom(details, OomInference.fromHistory(history.body()));
    }

    @Override
    public List<ContainerSummary> listContainers(LabelSelector selector) {
        Target target = new Target(
                "list containers",
                ResourceKind.CONTAINER,
                selector.asFilterValues().toString());
        String path = "/containers/json?all=true&filters=" + DockerApi.labelFilter(selector);
        return ContainerMapping.summaries(target, api.send(target, "GET", path, null));
    }

    @Override
    public List<ContainerSummary> listContainersByNamePrefix(String prefix) {
        Target target = new Target("list containers", ResourceKind.CONTAINER, prefix + "*");
        // Docker's name filter is an unanchored regex: narrow it server-side, match the prefix exactly here.
        String path =
                "/containers/json?all=true&filters=" + DockerApi.filters(java.util.Map.of("name", List.of(prefix)));
        return ContainerMapping.summaries(target, api.send(target, "GET", path, null)).stream()
                .filter(summary -> summary.name().startsWith(prefix))
                .toList();
    }

    @Override
    public List<ContainerStats> stats(Collection<String> containerIds) {
        EngineInfo info = knownInfo != null ? knownInfo : info();
        if (!info.supports(EngineInfo.Capability.STATS)) {
            throw new CapabilityUnavailableException(
                    EngineInfo.Capability.STATS, "rootless Docker on cgroup v1 has no per-container cgroups to read");
        }
        return stats.sample(containerIds);
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        return execRunner.run(containerId, command, timeout);
    }

    /**
     * The raw multiplexed stream of {@code /containers/{id}/logs}, with a time on every line. An inspect first makes
     * an unknown container fail here rather than on the stream's thread.
     */
    @Override
    public LogStream logs(String containerId, int tail, boolean follow, LogListener listener) {
        String path = containerPath(containerId) + "/logs?stdout=1&stderr=1&timestamps=1&tail="
                + EngineLogStream.tailQuery(tail, "all") + "&follow=" + (follow ? 1 : 0);
        Target target = target("read logs of container", containerId);
        api.send(target, "GET", containerPath(containerId) + "/json", null);
        return EngineLogStream.start(
                "orbit-docker-logs",
                api.prepareStream("GET", path, null),
                stream -> DockerApi.check(target, stream),
                listener,
                e -> api.brokenStream("the logs of " + containerId, e));
    }

    @Override
    public EventSubscription subscribe(LabelSelector selector, EventListener listener) {
        String path = "/events?filters=" + DockerApi.containerEventFilter(selector);
        ReconnectingEventStream stream = ReconnectingEventStream.start(
                EVENTS_THREAD,
                () -> api.stream("GET", path, null, ReconnectingEventStream.IDLE_DEADLINE),
                DockerEvents::parse,
                listener);
        subscriptions.add(stream);
        return new EventSubscription() {
            @Override
            public boolean isConnected() {
                return stream.isConnected();
            }

            @Override
            public void close() {
                subscriptions.remove(stream);
                stream.close();
            }
        };
    }

    @Override
    public NetworkDetails createNetwork(NetworkSpec spec) {
        Target target = new Target("create network", ResourceKind.NETWORK, spec.name());
        EngineResponse created = api.send(target, "POST", "/networks/create", NetworkMapping.create(spec));
        return NetworkMapping.created(target, spec, created);
    }

    @Override
    public List<NetworkDetails> listNetworks(LabelSelector selector) {
        Target target = new Target(
                "list networks", ResourceKind.NETWORK, selector.asFilterValues().toString());
        String path = "/networks?filters=" + DockerApi.labelFilter(selector);
        return NetworkMapping.list(target, api.send(target, "GET", path, null));
    }

    @Override
    public void removeNetwork(String name) {
        Target target = new Target("remove network", ResourceKind.NETWORK, name);
        api.send(target, "DELETE", "/networks/" + DockerApi.segment(name), null);
    }

    @Override
    public VolumeDetails createVolume(VolumeSpec spec) {
        Target target = new Target("create volume", ResourceKind.VOLUME, spec.name());
        return VolumeMapping.details(target, api.send(target, "POST", "/volumes/create", VolumeMapping.create(spec)));
    }

    @Override
    public Optional<VolumeDetails> inspectVolume(String name) {
        Target target = new Target("inspect volume", ResourceKind.VOLUME, name);
        return api.find(target, "/volumes/" + DockerApi.segment(name))
                .map(response -> VolumeMapping.details(target, response));
    }

    @Override
    public void removeVolume(String name) {
        Target target = new Target("remove volume", ResourceKind.VOLUME, name);
        api.send(target, "DELETE", "/volumes/" + DockerApi.segment(name), null);
    }

    @Override
    public Optional<ImageDetails> inspectImage(String reference) {
        Target target = new Target("inspect image", ResourceKind.IMAGE, reference);
        return api.find(target, "/images/" + DockerApi.imagePath(reference) + "/json")
                .map(response -> ImageMapping.details(target, response));
    }

    @Override
    public ImageDetails pullImage(String reference, PullProgressListener progress) {
        try (EngineStream stream =
                api.stream("POST", "/images/create?" + ImageMapping.pullQuery(reference), null, pullTimeout)) {
            if (!stream.isSuccess()) {
                byte[] body = stream.readRemaining().getBytes(StandardCharsets.UTF_8);
                String message = new EngineResponse(stream.status(), body).errorMessage();
                throw DockerErrors.pullFailure(reference, stream.status(), message);
            }
            ImageMapping.followPull(reference, stream.body(), progress);
        } catch (RuntimeException e) {
            // no answer within the deadline, or a read of the progress that timed out: the pull made no progress
            if (EngineHttpClient.isIdleTimeout(e)) {
                throw ImagePullException.stalled(reference, pullTimeout);
            }
            throw e;
        }
        return inspectImage(reference)
                .orElseThrow(() -> new ImagePullException(reference, "the pull ended but the image is not there"));
    }

    @Override
    public void close() {
        List.copyOf(subscriptions).forEach(ReconnectingEventStream::close);
        subscriptions.clear();
        stats.close();
        api.close();
    }

    private static Target target(String operation, String containerId) {
        return new Target(operation, ResourceKind.CONTAINER, containerId);
    }

    private static String containerPath(String containerId) {
        return "/containers/" + DockerApi.segment(containerId);
    }
}
