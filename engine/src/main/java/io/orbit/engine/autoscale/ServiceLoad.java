package io.orbit.engine.autoscale;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Everything the autoscaler reads about one service at a tick. Built by the daemon from the stats sampler, the
 * observed pods and the proxy.
 *
 * @param currentReplicas the desired replica count in force now (what the reconciler works towards), not the pods
 *     that happen to run: counting starting pods as missing would add them twice
 * @param pods the service's pods, ready or not
 * @param inFlight requests in flight at the proxy for the service, over all pods
 * @param pending requests the proxy holds because no pod is ready (a service scaled to 0); they count as demand
 * @param routed the proxy fronts the service (it has a {@code node_port}), so no traffic really means idle
 * @param latency the proxy's latency over the last CoDel interval, when it measured any
 * @param statsAvailable false when the runtime has no stats on this host (rootless cgroup v1): the resource signal
 *     is then skipped rather than reading every pod as missing
 */
public record ServiceLoad(
        String service,
        int currentReplicas,
        List<PodSample> pods,
        int inFlight,
        int pending,
        boolean routed,
        Optional<LatencyWindow> latency,
        boolean statsAvailable) {

    public ServiceLoad {
        requireNonNull(service, "service is null");
        if (currentReplicas < 0 || inFlight < 0 || pending < 0) {
            throw new IllegalArgumentException("negative count in the load of " + service);
        }
        pods = List.copyOf(pods);
        requireNonNull(latency, "latency is null");
    }

    int readyPods() {
        return (int) pods.stream().filter(PodSample::ready).count();
    }

    boolean hasDemand() {
        return inFlight > 0 || pending > 0;
    }
}
