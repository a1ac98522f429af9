package io.orbit.daemon.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.orbit.daemon.DaemonOptions;
import io.orbit.daemon.dashboard.Dashboard;
import io.orbit.engine.lifecycle.Managed;
import io.orbit.runtime.http.EngineHttpClient;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API on two listeners, each its own Jetty server with its own bounded threads, connection limit and limit of
 * held requests, so a flood on one cannot starve the other (the CLI keeps working while the TCP port is hammered):
 *
 * <pre>
 *   Server orbit-api-tcp     ServerConnector            --api-address (127.0.0.1:4112): reads; changes only with --api-token
 *   Server orbit-api-socket  UnixDomainServerConnector  --control-socket (/run/orbit/orbit.sock): reads and, for trusted
 *                                                       peers, changes
 *   each: at most {@value #MAX_THREADS} threads, {@value #MAX_CONNECTIONS} connections (more wait in the kernel's
 *   backlog), {@value ApiRoutes#MAX_HELD_REQUESTS} held requests (long polls, log reads), one ApiRoutes:
 *   body → Host/Origin ({@link BrowserGuard}) → endpoint → access check ({@link ControlAccess}) → answer
 * </pre>
 *
 * Why Jetty's own Unix-domain connector and not junixsocket: JDK 16+ reports the peer's credentials on Unix-domain
 * channels ({@code jdk.net.ExtendedSocketOptions.SO_PEERCRED}), and the connector's endpoints are plain {@code
 * SocketChannel}s, so the same handler serves both listeners and no native library is involved (see {@link
 * PeerCredentials}).
 */
public final class ApiServer implements Managed {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    /** Longer than the longest long poll, so a held request is not cut by the idle timeout. */
    private static final long IDLE_TIMEOUT_MILLIS = 2 * EventsEndpoint.MAX_WAIT.toMillis();

    /** Per listener: the held requests, plus threads for quick answers, the acceptor and the selector. */
    static final int MAX_THREADS = ApiRoutes.MAX_HELD_REQUESTS + 16;
    /** Per listener: open connections; beyond it the listener stops accepting until one closes. */
    static final int MAX_CONNECTIONS = 256;
    /** The warm-up's own requests: a daemon that cannot answer itself in this time has its first caller pay. */
    private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(10);

    private final DaemonOptions options;
    private final ReadEndpoints reads;
    private final ServiceCommands commands;
    private final EventsEndpoint events;
    private final ServiceLogs logs;
    private final Dashboard dashboard;
    private final LocalTcpPeers localPeers;
    private final List<Server> servers = new ArrayList<>();
    private @Nullable ServerConnector tcp;
    private Optional<Path> boundSocket = Optional.empty();

    @Inject
    ApiServer(
            DaemonOptions options,
            ReadEndpoints reads,
            ServiceCommands commands,
            EventsEndpoint events,
            ServiceLogs logs,
            Dashboard dashboard,
            LocalTcpPeers localPeers) {
        this.localPeers = localPeers;
        this.dashboard = dashboard;
        this.options = options;
        this.reads = reads;
        this.commands = commands;
        this.events = events;
        this.logs = logs;
    }

    @Override
    public String name() {
        return "api server";
    }

    @Override
    public void start() throws Exception {
        String tcpAddress = options.apiAddress().getHostString() + ":"
                + options.apiAddress().getPort();
        Optional<ApiToken> token = options.apiToken().map(ApiToken::read);
        token.flatMap(ApiToken::looseModeWarning)
                .ifPresent(warning -> log.atWarn().log(warning));
        ControlAccess access = new ControlAccess(
                token,
                new TreeSet<>(List.of("root", System.getProperty("user.name"))),
                options.controlGroup(),
                new GroupDatabase(GroupDatabase.SYSTEM),
                tcpAddress);
        BrowserGuard guard = new BrowserGuard(options.apiAddress().getHostString(), options.apiAllowedHosts());
        Server tcpServer = server("orbit-api-tcp", access, guard);
        ServerConnector tcp = new ServerConnector(tcpServer, 1, 1);
        tcp.setHost(options.apiAddress().getHostString());
        tcp.setPort(options.apiAddress().getPort());
        tcp.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        tcpServer.addConnector(tcp);
        this.tcp = tcp;
        if (options.controlSocket().isPresent()) {
            Path socket = options.controlSocket().get();
            ControlSocket.prepare(socket, options.controlGroup());
            Server socketServer = server("orbit-api-socket", access, guard);
            UnixDomainServerConnector unix = new UnixDomainServerConnector(socketServer, 1, 1);
            unix.setUnixDomainPath(socket);
            unix.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
            socketServer.addConnector(unix);
        }
        try {
            for (Server server : servers) {
                server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
                server.start();
            }
        } catch (Exception e) {
            stopServers();
            throw new IllegalStateException(
                    "cannot listen on %s for the API, or on the control socket %s: %s (free the port or pass --api-address; pass --control-socket for another socket)"
                            .formatted(
                                    tcpAddress,
                                    options.controlSocket().map(Path::toString).orElse("(none)"),
                                    e.getMessage()),
                    e);
        }
        if (options.controlSocket().isPresent()) {
            restrictControlSocket(options.controlSocket().get());
        }
        dashboard.start();
        warmUp();
        warnAboutOpenReads(token.isPresent());
        log.atInfo()
                .addKeyValue("address", "http://" + options.apiAddress().getHostString() + ":" + tcp.getLocalPort())
                .addKeyValue("changes", token.isPresent() ? "with the API token" : "refused")
                .addKeyValue("hosts", String.join(",", new TreeSet<>(guard.allowed())))
                .addKeyValue(
                        "dashboard", "http://" + options.apiAddress().getHostString() + ":" + tcp.getLocalPort() + "/")
                .log("status server running");
    }

    /** Once bound: the socket's owner group and mode, and a warning when the group cannot reach it. */
    private void restrictControlSocket(Path socket) throws IOException {
        boundSocket = Optional.of(socket);
        ControlSocket.restrict(socket, options.controlGroup());
        ControlSocket.unreachableByGroup(socket, options.controlGroup())
                .ifPresent(warning -> log.atWarn().log(warning));
        log.atInfo()
                .addKeyValue("socket", socket.toAbsolutePath())
                .addKeyValue("group", options.controlGroup().orElse(""))
                .log("control socket listening");
    }

    /** One listener's server: its own threads, its own held-request limit (its own {@link ApiRoutes}). */
    private Server server(String name, ControlAccess access, BrowserGuard guard) {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName(name);
        threads.setDaemon(true);
        Server server = new Server(threads);
        server.setHandler(new ApiRoutes(reads, commands, events, logs, access, guard, dashboard, localPeers));
        server.setStopTimeout(2000);
        servers.add(server);
        return server;
    }

    /**
     * Asks for {@code /status} and {@code /healthz} once, in the background, as soon as the API listens: over the
     * control socket when there is one (what {@code orbit status} uses), else by rendering them. The first request
     * loads and links Jetty's request path, the socket's peer-credential check and the rendering: 36 ms of CPU for
     * the rendering alone on an idle daemon, which the first {@code orbit status} on a loaded machine waited for,
     * up to a second during a flood of log reads ({@code PodmanApiStarvationIT}, whose slowest probe was the first
     * while only the rendering was warmed).
     */
    private void warmUp() {
        Optional<Path> socket = boundSocket;
        Thread.ofPlatform().daemon().name("orbit-api-warm-up").start(() -> {
            try {
                if (socket.isPresent()) {
                    try (EngineHttpClient client = EngineHttpClient.open(socket.get(), "the daemon's own socket")) {
                        client.call("GET", "/status", null, WARM_UP_TIMEOUT);
                        client.call("GET", "/healthz", null, WARM_UP_TIMEOUT);
                    }
                } else {
                    ApiRoutes.render(reads.status());
                    ApiRoutes.render(reads.health().getValue());
                }
            } catch (RuntimeException | JsonProcessingException e) {
                log.atDebug().log("warming up the API failed; its first request pays instead: " + e);
            }
        });
    }

    private void warnAboutOpenReads(boolean withToken) {
        if (isLoopback(options.apiAddress().getHostString())) {
            return;
        }
        log.atWarn()
                .log("the API on %s serves status, events and container logs to anyone who can reach it; %s"
                        .formatted(
                                options.apiAddress().getHostString(),
                                withToken
                                        ? "changes need the API token"
                                        : "changes are refused there (no --api-token)"));
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The bound TCP port (useful when the API address asked for port 0). */
    public int port() {
        ServerConnector tcp = this.tcp;
        if (tcp == null) {
            throw new IllegalStateException("the API server has no port before start()");
        }
        return tcp.getLocalPort();
    }

    private void stopServers() throws Exception {
        Exception first = null;
        for (Server server : servers) {
            try {
                server.stop();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() throws Exception {
        logs.stop();
        dashboard.close();
        try {
            stopServers();
        } finally {
            if (boundSocket.isPresent()) {
                Files.deleteIfExists(boundSocket.get());
            }
        }
    }
}
