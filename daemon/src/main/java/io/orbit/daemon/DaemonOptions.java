package io.orbit.daemon;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.config.ConfigDirectory;
import io.orbit.engine.config.ReadPolicy;
import io.orbit.engine.config.SecretResolver;
import io.orbit.engine.spec.HostAccess;
import io.orbit.engine.volume.PodSecrets;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * @param hardening what service files may do and how they are read, and where the daemon keeps its state
 * @param pullTimeout how long an image pull may go without progress before it fails, naming the image and the
 *     registry ({@code --pull-timeout}, {@code pull_timeout})
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
        int proxyMaxConnectionsPerClient,
        Hardening hardening,
        Duration pullTimeout) {

    /** The default of {@code --drain-timeout}: what Orbit slept before removing a pod. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

    /** The default of {@code --pull-timeout}: a pull that makes no progress for this long fails and frees its worker. */
    public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(5);

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
        requireNonNull(hardening, "hardening is null");
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout is negative: " + drainTimeout);
        }
        requireNonNull(pullTimeout, "pullTimeout is null");
        if (pullTimeout.isNegative() || pullTimeout.isZero()) {
            throw new IllegalArgumentException("pullTimeout must be positive: " + pullTimeout);
        }
        if (proxyMaxConnectionsPerClient < 1) {
            throw new IllegalArgumentException(
                    "proxyMaxConnectionsPerClient must be >= 1: " + proxyMaxConnectionsPerClient);
        }
    }

    /** The service files as this daemon reads them: its size limit, and its ownership rules when it runs as root. */
    public ConfigDirectory configDirectoryReader() {
        return new ConfigDirectory(
                configDirectory, ReadPolicy.forThisProcess(hardening.maxServiceFileBytes()), secretResolver());
    }

    /**
     * Reads {@code env_file}s and secrets, digesting their values under the hash key in {@code --state-dir} (read when
     * a service first has any), so pods roll when a value changes and the pods' hash label tells nothing about it.
     */
    public SecretResolver secretResolver() {
        Path stateDirectory = hardening.stateDirectory();
        return new SecretResolver(
                () -> HashKey.loadOrCreate(stateDirectory, new SecureRandom()),
                name -> Optional.ofNullable(System.getenv(name)));
    }

    /**
     * As {@link #secretResolver()}, reading the daemon's existing key and never creating one ({@code orbit plan}: a
     * command that only reads must not make {@code --state-dir}, e.g. the host's /var/lib/orbit, as a side effect).
     */
    public SecretResolver existingKeySecretResolver() {
        Path stateDirectory = hardening.stateDirectory();
        return new SecretResolver(
                () -> HashKey.loadExisting(stateDirectory), name -> Optional.ofNullable(System.getenv(name)));
    }

    /**
     * The host access policy: {@code --allow-host-access}, and the daemon's own directories and engine socket, which
     * no volume may expose.
     */
    public HostAccess hostAccess() {
        List<Path> own = new ArrayList<>(
                List.of(configDirectory, volumeDirectory, hardening.stateDirectory(), PodSecrets.defaultDirectory()));
        runtimeSocket
                .map(socket -> Path.of(socket.replaceFirst("^unix://", "")))
                .ifPresent(own::add);
        HostAccess policy = hardening.allowHostAccess() ? HostAccess.permitted() : HostAccess.denied();
        return policy.withProtectedPaths(own);
    }

    /**
     * Hardening (issue 13): what service files may do and how they are read, and where the daemon keeps its state.
     *
     * @param allowHostAccess {@code --allow-host-access}: service files may run privileged containers, mount host
     *     system paths and engine sockets, and use the host's network (each use is then a warning, not an error)
     * @param maxServiceFileBytes {@code --max-service-file-size}: larger files are refused before they are read
     * @param stateDirectory {@code --state-dir}: the daemon's own state (the key of the hashes the API shows)
     * @param apiLocalUsers {@code --api-local-users}: a change over TCP from this host's loopback without a token is
     *     accepted when the client's socket belongs to a user the control socket accepts ({@code LocalTcpPeers})
     */
    public record Hardening(
            boolean allowHostAccess, long maxServiceFileBytes, Path stateDirectory, boolean apiLocalUsers) {

        public Hardening {
            requireNonNull(stateDirectory, "stateDirectory is null");
            if (maxServiceFileBytes < 1) {
                throw new IllegalArgumentException("maxServiceFileBytes must be at least 1: " + maxServiceFileBytes);
            }
        }

        /** Host access denied, files up to 1 MiB, state in {@code stateDirectory}. */
        public static Hardening defaults(Path stateDirectory) {
            return new Hardening(false, ReadPolicy.DEFAULT_MAX_FILE_BYTES, stateDirectory, false);
        }

        /**
         * The default {@code --state-dir} for a daemon reading {@code configDirectory}: {@code state/} beside it in a
         * source checkout of Orbit ({@link #isSourceCheckout}), else {@link #defaultStateDirectory(boolean, Map,
         * String)}.
         */
        public static Path defaultStateDirectory(
                Path configDirectory, boolean root, Map<String, String> environment, String home) {
            Path parent = configDirectory.toAbsolutePath().normalize().getParent();
            if (parent != null && isSourceCheckout(parent)) {
                return parent.resolve("state");
            }
            return defaultStateDirectory(root, environment, home);
        }

        /**
         * A source checkout of Orbit: the directory holds the Maven wrapper ({@code mvnw}), a {@code pom.xml} and the
         * {@code daemon/} module. Only a checkout has all three; an installed daemon's config directory
         * ({@code /etc/orbit/services}) never sits beside them.
         */
        static boolean isSourceCheckout(Path directory) {
            return java.nio.file.Files.isRegularFile(directory.resolve("mvnw"))
                    && java.nio.file.Files.isRegularFile(directory.resolve("pom.xml"))
                    && java.nio.file.Files.isDirectory(directory.resolve("daemon"));
        }

        /**
         * The default {@code --state-dir} outside a source checkout: {@code /var/lib/orbit} as root, else {@code $XDG_STATE_HOME/orbit}, else
         * {@code ~/.local/state/orbit}.
         */
        public static Path defaultStateDirectory(boolean root, Map<String, String> environment, String home) {
            if (root) {
                return Path.of("/var/lib/orbit");
            }
            String xdg = environment.get("XDG_STATE_HOME");
            if (xdg != null && xdg.startsWith("/")) {
                return Path.of(xdg, "orbit");
            }
            return Path.of(home, ".local", "state", "orbit");
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
