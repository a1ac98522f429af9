package io.orbit.runtime.podman.internal;

import io.orbit.runtime.ResourceKind;
import org.jspecify.annotations.Nullable;

/**
 * What the adapter asked libpod to do. {@link PodmanErrors} uses it to word errors and to pick the exception when
 * Podman's answer alone does not say: a 404 or 409 without a known cause is about the operation's own kind of object.
 */
public enum PodmanOperation {
    INFO("read engine info", null),
    PING("ping the engine", null),
    CREATE_CONTAINER("create container", ResourceKind.CONTAINER),
    START_CONTAINER("start container", ResourceKind.CONTAINER),
    STOP_CONTAINER("stop container", ResourceKind.CONTAINER),
    KILL_CONTAINER("kill container", ResourceKind.CONTAINER),
    REMOVE_CONTAINER("remove container", ResourceKind.CONTAINER),
    INSPECT_CONTAINER("inspect container", ResourceKind.CONTAINER),
    LIST_CONTAINERS("list containers with labels", null),
    STATS("read stats of containers", ResourceKind.CONTAINER),
    CREATE_EXEC("exec in container", ResourceKind.CONTAINER),
    START_EXEC("start exec session", ResourceKind.EXEC),
    INSPECT_EXEC("inspect exec session", ResourceKind.EXEC),
    CONTAINER_LOGS("read logs of container", ResourceKind.CONTAINER),
    EVENTS("follow events of containers with labels", null),
    CREATE_NETWORK("create network", ResourceKind.NETWORK),
    INSPECT_NETWORK("inspect network", ResourceKind.NETWORK),
    LIST_NETWORKS("list networks with labels", null),
    REMOVE_NETWORK("remove network", ResourceKind.NETWORK),
    CREATE_VOLUME("create volume", ResourceKind.VOLUME),
    INSPECT_VOLUME("inspect volume", ResourceKind.VOLUME),
    REMOVE_VOLUME("remove volume", ResourceKind.VOLUME),
    CREATE_SECRET("create secret", ResourceKind.SECRET),
    REMOVE_SECRET("remove secret", ResourceKind.SECRET),
    LIST_SECRETS("list secrets", null),
    INSPECT_IMAGE("inspect image", ResourceKind.IMAGE),
    PULL_IMAGE("pull image", ResourceKind.IMAGE);

    private final String description;
    private final @Nullable ResourceKind kind;

    PodmanOperation(String description, @Nullable ResourceKind kind) {
        this.description = description;
        this.kind = kind;
    }

    /** The kind of object the operation is about, or null when it is about the engine or a label selector. */
    public @Nullable ResourceKind kind() {
        return kind;
    }

    /** E.g. {@code create container 'web-1'}, for {@link io.orbit.runtime.RuntimeApiException#operation()}. */
    public String describe(String subject) {
        return "%s '%s'".formatted(description, subject);
    }
}
