package io.orbit.engine.state;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A service as of its last reconcile pass.
 *
 * @param desired empty while the service is being removed
 * @param lastError the last pass's failure (e.g. a missing image), empty after a successful pass
 * @param consecutiveFailures failed passes in a row; the next retry waits for the back-off
 */
public record ServiceStatus(
        String name,
        Optional<DesiredService> desired,
        List<PodStatus> pods,
        Optional<String> lastError,
        int consecutiveFailures,
        Instant observedAt) {

    public ServiceStatus {
        requireNonNull(name, "name is null");
        requireNonNull(desired, "desired is null");
        pods = List.copyOf(pods);
        requireNonNull(lastError, "lastError is null");
        requireNonNull(observedAt, "observedAt is null");
    }

    public long runningPods() {
        return pods.stream().filter(pod -> pod.problem().isEmpty()).count();
    }
}
