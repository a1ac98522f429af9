package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Something that happened to a container.
 *
 * @param exitCode set on {@link Type#DIE}
 * @param healthStatus set on {@link Type#HEALTH_STATUS} ("healthy", "unhealthy", "starting"), empty otherwise
 */
public record ContainerEvent(
        Type type,
        String containerId,
        String containerName,
        Map<String, String> labels,
        OptionalInt exitCode,
        String healthStatus,
        Instant time) {

    public ContainerEvent {
        requireNonNull(type, "type is null");
        requireNonNull(containerId, "containerId is null");
        requireNonNull(containerName, "containerName is null");
        labels = Map.copyOf(labels);
        requireNonNull(exitCode, "exitCode is null");
        requireNonNull(healthStatus, "healthStatus is null");
        requireNonNull(time, "time is null");
    }

    public enum Type {
        CREATE,
        START,
        /** The main process ended (Docker's "die", libpod's "died"). */
        DIE,
        OOM,
        HEALTH_STATUS,
        REMOVE
    }
}
