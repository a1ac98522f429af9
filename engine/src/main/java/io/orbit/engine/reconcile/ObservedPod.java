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
        String podId,
        int podNumber,
        String configHash,
        int expectedSize,
        List<ObservedContainer> containers,
        Origin origin) {

    /** How the pod was found. */
    public enum Origin {
        /** Carries this daemon's labels. */
        LABELLED,
        /** An unlabelled pod of an earlier Orbit, adopted because the service says {@code adopt_orphans: true}. */
        ADOPTED_ORPHAN,
        /** An unlabelled pod of an earlier Orbit, to be removed ({@code adopt_orphans: false}, Orbit's default). */
        ORPHAN
    }

    public ObservedPod {
        requireNonNull(podId, "podId is null");
        requireNonNull(configHash, "configHash is null");
        containers = List.copyOf(containers);
        requireNonNull(origin, "origin is null");
    }

    public ObservedPod(
            String podId, int podNumber, String configHash, int expectedSize, List<ObservedContainer> containers) {
        this(podId, podNumber, configHash, expectedSize, containers, Origin.LABELLED);
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
