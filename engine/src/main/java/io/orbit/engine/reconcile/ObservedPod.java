package io.orbit.engine.reconcile;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The containers of one pod, grouped by their {@code orbit.pod} label.
 *
 * @param expectedSize how many containers the pod was created with ({@code orbit.pod-size})
 */
public record ObservedPod(
        String podId, int podNumber, String configHash, int expectedSize, List<ObservedContainer> containers) {

    public ObservedPod {
        requireNonNull(podId, "podId is null");
        requireNonNull(configHash, "configHash is null");
        containers = List.copyOf(containers);
    }

    /** True when every container the pod was created with exists and runs. */
    public boolean isHealthy() {
        return problem().isEmpty();
    }

    /** Why the pod cannot serve, e.g. "container 'main' exited" or "incomplete: 1 of 2 containers". */
    public Optional<String> problem() {
        if (containers.size() < expectedSize) {
            return Optional.of("incomplete: %d of %d containers exist".formatted(containers.size(), expectedSize));
        }
        return containers.stream()
                .filter(container -> !container.isRunning())
                .findFirst()
                .map(container -> "container '%s' is %s"
                        .formatted(
                                container.containerName(),
                                container.state().name().toLowerCase(java.util.Locale.ROOT)));
    }
}
