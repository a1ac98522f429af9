package io.orbit.engine.netlimit;

import static java.util.Objects.requireNonNull;

/**
 * What became of one container's network limit at its last start.
 *
 * @param applied true when the limit is in force; false when the container runs unlimited
 * @param problem why it is not in force (empty when applied)
 * @param fix what to do about it (empty when applied)
 */
public record NetworkLimitStatus(
        String containerId,
        String service,
        String pod,
        String container,
        NetworkLimit limit,
        boolean applied,
        String problem,
        String fix) {

    public NetworkLimitStatus {
        requireNonNull(containerId, "containerId is null");
        requireNonNull(service, "service is null");
        requireNonNull(pod, "pod is null");
        requireNonNull(container, "container is null");
        requireNonNull(limit, "limit is null");
        requireNonNull(problem, "problem is null");
        requireNonNull(fix, "fix is null");
    }
}
