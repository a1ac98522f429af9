package io.orbit.engine.routing;

import static java.util.Objects.requireNonNull;

/**
 * One place a node port's traffic can go: a pod's container port, as the proxy reaches it — the container IP on
 * rootful engines, the published 127.0.0.1 port where container IPs are unreachable (rootless Podman).
 *
 * @param id stable across route-table versions, so counters and health survive reloads ({@code podId:containerPort})
 * @param verified the engine's own probes found the pod ready just now: the proxy may send traffic at once instead of
 *     waiting for its first check (which matters when a restarted container comes back at a new address)
 */
public record Backend(String id, String podId, String host, int port, boolean verified) {

    public Backend(String id, String podId, String host, int port) {
        this(id, podId, host, port, false);
    }

    public Backend {
        requireNonNull(id, "id is null");
        requireNonNull(podId, "podId is null");
        requireNonNull(host, "host is null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public String address() {
        return host + ":" + port;
    }
}
