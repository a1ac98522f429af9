package io.orbit.daemon;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The daemon's options, from flags, environment and defaults (Orbit's flags kept: {@code -c}, {@code -r}, {@code
 * -l}/{@code LOG_LVL}, {@code --volume-dir}).
 *
 * @param configDirectory where the service files are (created if missing)
 * @param runtime which engine adapter to use
 * @param runtimeSocket an explicit engine socket; empty means discovery
 * @param apiAddress where /status and /metrics listen (127.0.0.1:4112 by default: Orbit's 0.0.0.0 had no auth)
 * @param onExit what happens to the pods when the daemon stops
 * @param proxyAddress the address the proxy binds every node port on (all interfaces by default, as Orbit)
 * @param instance the name this daemon's pods are labelled with, so several daemons can share one engine
 * @param controlSocket where the control API listens (the CLI's way in); empty for none
 * @param controlGroup the group whose members may change services through the control socket, besides root and the
 *     daemon's own user
 * @param apiToken a file holding the bearer token that allows changes over the TCP API; empty: no changes over TCP
 * @param apiAllowedHosts host names the TCP API answers to besides localhost, 127.0.0.1, [::1] and the host of {@code
 *     apiAddress} ({@code --api-allowed-host}; others get a 421, against DNS rebinding)
 * @param drainTimeout how long a pod taken out of traffic (removal, rolling update, failed health) may finish its
 *     in-flight requests before it is stopped anyway
 * @param proxyMaxConnectionsPerClient open connections one client IP address may hold on one node port; more are closed
 *     on accept
 */
public record DaemonOptions(
        Path configDirectory,
        Runtime runtime,
        Optional<String> runtimeSocket,
        String logLevel,
        Path volumeDirectory,
        InetSocketAddress apiAddress,
        OnExit onExit,
        String instance,
        Optional<Path> controlSocket,
        Optional<String> controlGroup,
        Optional<Path> apiToken,
        List<String> apiAllowedHosts,
        String proxyAddress,
        Duration drainTimeout,
        int proxyMaxConnectionsPerClient) {

    /** The default of {@code --drain-timeout}: what Orbit slept before removing a pod. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

    public DaemonOptions {
        requireNonNull(proxyAddress, "proxyAddress is null");
        requireNonNull(configDirectory, "configDirectory is null");
        requireNonNull(runtime, "runtime is null");
        requireNonNull(runtimeSocket, "runtimeSocket is null");
        requireNonNull(logLevel, "logLevel is null");
        requireNonNull(volumeDirectory, "volumeDirectory is null");
        requireNonNull(apiAddress, "apiAddress is null");
        requireNonNull(onExit, "onExit is null");
        requireNonNull(instance, "instance is null");
        requireNonNull(controlSocket, "controlSocket is null");
        requireNonNull(controlGroup, "controlGroup is null");
        requireNonNull(apiToken, "apiToken is null");
        apiAllowedHosts = List.copyOf(apiAllowedHosts);
        requireNonNull(drainTimeout, "drainTimeout is null");
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout is negative: " + drainTimeout);
        }
        if (proxyMaxConnectionsPerClient < 1) {
            throw new IllegalArgumentException(
                    "proxyMaxConnectionsPerClient must be >= 1: " + proxyMaxConnectionsPerClient);
        }
    }

    public enum Runtime {
        podman,
        docker
    }

    public enum OnExit {
        /** Leave the containers running, to be adopted by the next start (the default). */
        keep,
        /** Stop and remove every pod. */
        stop
    }
}
