package io.orbit.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A container engine, seen from the orchestrator: domain-shaped operations, not REST calls.
 *
 * <p>Every method may throw a {@link ContainerRuntimeException}; the subtype says what went wrong ({@link
 * NotFoundException}, {@link ConflictException}, {@link RuntimeUnavailableException}, {@link RuntimeApiException},
 * {@link ImagePullException}). Implementations are thread-safe: the reconciler, the health prober and the stats
 * sampler call them concurrently.
 */
public interface ContainerRuntime extends AutoCloseable {

    /** For {@link #logs}: start with every line the engine kept, not only the last few. */
    int ALL_LINES = -1;

    /** What engine this is and which features work on this host (limits and stats are not a given when rootless). */
    EngineInfo info();

    /**
     * Whether the engine answers, as cheaply as it can say so. {@link #info()} is not cheap everywhere: libpod's
     * takes 200–400 ms of the engine's CPU (it asks conmon, the OCI runtime and the storage), too much to poll.
     *
     * @throws RuntimeUnavailableException when the engine does not answer
     */
    default void ping() {
        info();
    }

    /**
     * Creates (does not start) a container.
     *
     * @throws ConflictException when the name is taken
     * @throws NotFoundException when the image is not present locally (adapters never pull implicitly)
     */
    String createContainer(ContainerSpec spec);

    /** Starts a created or stopped container; starting a running one is a no-op. */
    void startContainer(String containerId);

    /**
     * Asks the container to stop (SIGTERM) and kills it after {@code timeout}; stopping a stopped container is a
     * no-op.
     */
    void stopContainer(String containerId, Duration timeout);

    /**
     * Sends a signal (e.g. {@code SIGKILL}) to the container's main process.
     *
     * @throws ConflictException when the container is not running
     */
    void killContainer(String containerId, String signal);

    /**
     * Removes a container and its anonymous volumes, killing it first if it runs, without waiting for its stop
     * timeout.
     */
    void removeContainer(String containerId);

    /** The current state of one container, by id or name. */
    ContainerDetails inspectContainer(String containerIdOrName);

    /** All containers (running or not) carrying every label of the selector. */
    List<ContainerSummary> listContainers(LabelSelector selector);

    /**
     * All containers (running or not) whose name starts with {@code prefix}, whatever their labels. Only for finding
     * containers that an earlier Orbit left without labels ({@code adopt_orphans}); ownership is otherwise decided by
     * labels alone.
     */
    List<ContainerSummary> listContainersByNamePrefix(String prefix);

    /**
     * CPU and memory of many containers, in as few engine calls as the engine allows. Containers that are gone or
     * not running are left out of the result rather than failing the call.
     *
     * @throws CapabilityUnavailableException when this engine cannot report stats (rootless on cgroup v1)
     */
    List<ContainerStats> stats(Collection<String> containerIds);

    /**
     * Runs a command in a running container and waits for it, for probes.
     *
     * @throws ConflictException when the container is not running
     */
    ExecResult exec(String containerId, List<String> command, Duration timeout);

    /**
     * Reads what a container's processes wrote to stdout and stderr, line by line, each with its stream and time.
     *
     * <p>The request is made before this returns, so its failures are thrown here ({@link NotFoundException} for an
     * unknown container). The lines are then delivered, oldest first, on a thread of the returned {@link LogStream}.
     * Without {@code follow} the stream ends after the last line written so far; with {@code follow} it keeps
     * delivering new lines until the container stops or the stream is closed. The order of lines written to stdout
     * and stderr within the same instant is the engine's.
     *
     * @param tail how many of the most recent lines to start with; {@link #ALL_LINES} for all the engine kept, 0 for
     *     none (useful with {@code follow})
     * @param follow keep delivering lines written later
     * @throws IllegalArgumentException when {@code tail} is below {@link #ALL_LINES}
     */
    LogStream logs(String containerId, int tail, boolean follow, LogListener listener);

    /**
     * Streams container events (start, die, oom, health) matching the selector until the subscription is closed.
     * The stream reconnects by itself when the engine restarts or the connection drops; {@link
     * EventListener#onStreamReconnected()} tells the listener that events may have been missed meanwhile.
     */
    EventSubscription subscribe(LabelSelector selector, EventListener listener);

    /**
     * Creates a bridge network with DNS on, so containers reach each other by alias.
     *
     * @throws ConflictException when a network of that name exists
     */
    NetworkDetails createNetwork(NetworkSpec spec);

    /** Networks carrying every label of the selector. */
    List<NetworkDetails> listNetworks(LabelSelector selector);

    /**
     * Removes a network.
     *
     * @throws ConflictException while containers still use it
     */
    void removeNetwork(String name);

    /** Creates a named volume, or returns the existing one of that name. */
    VolumeDetails createVolume(VolumeSpec spec);

    Optional<VolumeDetails> inspectVolume(String name);

    /**
     * Removes a named volume.
     *
     * @throws ConflictException while a container uses it
     */
    void removeVolume(String name);

    /** The local image of that reference, or empty when the engine does not have it. */
    Optional<ImageDetails> inspectImage(String reference);

    /**
     * Pulls an image, reporting progress lines as they stream in.
     *
     * @throws ImagePullException when the registry is unreachable, the image is unknown or access is denied
     */
    ImageDetails pullImage(String reference, PullProgressListener progress);

    /**
     * Whether {@link #createSecret} and {@link ContainerSpec#secrets()} work here (Podman); not a {@link
     * EngineInfo#capabilities() capability} of the host, so asking costs no engine call.
     */
    default boolean hasSecretObjects() {
        return false;
    }

    /**
     * Creates a secret object (where {@link #hasSecretObjects()}); an existing one of that
     * name is kept as it is (names carry a digest of the value, so the same name means the same value).
     *
     * @throws CapabilityUnavailableException on engines without secret objects outside swarm (Docker)
     */
    default void createSecret(SecretSpec spec) {
        throw new CapabilityUnavailableException(
                EngineInfo.Capability.SECRET_OBJECTS, "this engine keeps no secret objects outside swarm");
    }

    /** Removes a secret object; one that does not exist is no error. */
    default void removeSecret(String name) {
        throw new CapabilityUnavailableException(
                EngineInfo.Capability.SECRET_OBJECTS, "this engine keeps no secret objects outside swarm");
    }

    /** The names of the engine's secret objects (never their values); empty on engines without them. */
    default List<String> listSecrets() {
        return List.of();
    }

    /** Releases the connection pool and stops event streams. */
    @Override
    void close();
}
