package io.orbit.engine.autoscale;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the autoscaler knows of one pod at a tick.
 *
 * @param podNumber the pod's slot ({@code orbit.pod-number})
 * @param ready the pod passes its health checks and receives traffic
 * @param startedAt when the pod's containers started; younger than the warm-up, its samples are not used
 * @param inFlight requests the proxy has in flight to this pod
 * @param containers the containers that have a sample; a container of the service missing here has no sample
 */
public record PodSample(
        String podId, int podNumber, boolean ready, Instant startedAt, int inFlight, List<ContainerSample> containers) {

    public PodSample {
        requireNonNull(podId, "podId is null");
        requireNonNull(startedAt, "startedAt is null");
        if (inFlight < 0) {
            throw new IllegalArgumentException("inFlight is negative: " + inFlight);
        }
        containers = List.copyOf(containers);
    }

    Optional<ContainerSample> container(String name) {
        return containers.stream()
                .filter(sample -> sample.containerName().equals(name))
                .findFirst();
    }
}
