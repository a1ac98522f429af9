package io.orbit.engine.routing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The proxy's traffic numbers of one service at one moment, over all its node ports: what the autoscaler reads. An
 * immutable copy of the proxy's atomic counters, taken off the request path.
 *
 * @param backends in-flight requests per backend ({@link Backend#id()}); upgraded connections (WebSockets) are counted
 *     apart and not as requests in flight
 * @param pending requests the proxy holds because no backend is ready (0 while the proxy holds none)
 * @param latency the lowest request latency and the request count of the last completed CoDel interval, when the
 *     service has a {@code codel} block and that interval is recent
 */
public record ServiceTraffic(String service, List<BackendTraffic> backends, int pending, Optional<Latency> latency) {

    public ServiceTraffic {
        requireNonNull(service, "service is null");
        backends = List.copyOf(backends);
        if (pending < 0) {
            throw new IllegalArgumentException("pending is negative: " + pending);
        }
        requireNonNull(latency, "latency is null");
    }

    /** Requests in flight over all backends, upgraded connections excluded. */
    public int inFlight() {
        return backends.stream().mapToInt(BackendTraffic::inFlight).sum();
    }

    /** Requests in flight to the backends of one pod. */
    public int inFlight(String podId) {
        return backends.stream()
                .filter(backend -> backend.podId().equals(podId))
                .mapToInt(BackendTraffic::inFlight)
                .sum();
    }

    public int upgraded() {
        return backends.stream().mapToInt(BackendTraffic::upgraded).sum();
    }

    /** Merges the numbers of two node ports of one service. */
    public ServiceTraffic merge(ServiceTraffic other) {
        if (!other.service.equals(service)) {
            throw new IllegalArgumentException("cannot merge the traffic of " + other.service + " into " + service);
        }
        List<BackendTraffic> all = new java.util.ArrayList<>(backends);
        all.addAll(other.backends);
        Optional<Latency> merged = latency.isEmpty()
                ? other.latency
                : other.latency.isEmpty() ? latency : Optional.of(latency.get().merge(other.latency.get()));
        return new ServiceTraffic(service, all, pending + other.pending, merged);
    }

    /** One backend's counters. */
    public record BackendTraffic(String backendId, String podId, int inFlight, int upgraded) {
        public BackendTraffic {
            requireNonNull(backendId, "backendId is null");
            requireNonNull(podId, "podId is null");
            if (inFlight < 0 || upgraded < 0) {
                throw new IllegalArgumentException("negative count for backend " + backendId);
            }
        }
    }

    /** The lowest latency (request to response head) and how many requests finished in the last interval. */
    public record Latency(Duration minimum, int requests) {
        public Latency {
            requireNonNull(minimum, "minimum is null");
            if (requests < 0) {
                throw new IllegalArgumentException("requests is negative: " + requests);
            }
        }

        Latency merge(Latency other) {
            return new Latency(
                    minimum.compareTo(other.minimum) <= 0 ? minimum : other.minimum, requests + other.requests);
        }
    }
}
