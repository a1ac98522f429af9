package io.orbit.daemon.api;

import io.orbit.daemon.DaemonOptions;
import io.orbit.daemon.lifecycle.Managed;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API on two listeners of one Jetty server, with one handler ({@link ApiRoutes}):
 *
 * <pre>
 *   Server (orbit-api threads)
 *   ├── ServerConnector            --api-address (127.0.0.1:4112): reads; changes only with --api-token
 *   ├── UnixDomainServerConnector  --control-socket (/run/orbit/orbit.sock): reads and, for trusted peers, changes
 *   └── ApiRoutes                  endpoint → access check → answer
 * </pre>
 *
 * Why Jetty's own Unix-domain connector and not junixsocket: JDK 16+ reports the peer's credentials on Unix-domain
 * channels ({@code jdk.net.ExtendedSocketOptions.SO_PEERCRED}), and the connector's endpoints are plain {@code
 * SocketChannel}s, so the same handler tree serves both listeners and no native library is involved (see {@link
 * PeerCredentials}).
 */
public final class ApiServer implements Managed {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    /** Longer than the longest long poll, so a held request is not cut by the idle timeout. */
    private static final long IDLE_TIMEOUT_MILLIS = 2 * EventsEndpoint.MAX_WAIT.toMillis();

    private static final int MAX_THREADS = ApiRoutes.MAX_HELD_REQUESTS + 16;

    private final DaemonOptions options;
    private final ReadEndpoints reads;
    private final ServiceCommands commands;
    private final EventsEndpoint events;
    private final ServiceLogs logs;
    private Server server;
    private Optional<Path> boundSocket = Optional.empty();

    @Inject
    ApiServer(
            DaemonOptions options,
            ReadEndpoints reads,
            ServiceCommands commands,
            EventsEndpoint events,
            ServiceLogs logs) {
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
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("orbit-api");
        threads.setDaemon(true);
        server = new Server(threads);
        ServerConnector tcp = new ServerConnector(server, 1, 1);
        tcp.setHost(options.apiAddress().getHostString());
        tcp.setPort(options.apiAddress().getPort());
        tcp.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        server.addConnector(tcp);
        if (options.controlSocket().isPresent()) {
            Path socket = options.controlSocket().get();
            ControlSocket.prepare(socket, options.controlGroup());
            UnixDomainServerConnector unix = new UnixDomainServerConnector(server, 1, 1);
            unix.setUnixDomainPath(socket);
            unix.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
            server.addConnector(unix);
        }
        server.setHandler(new ApiRoutes(reads, commands, events, logs, access));
        server.setStopTimeout(2000);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw new IllegalStateException(
                    "cannot listen on %s for the API, or on the control socket %s: %s (free the port or pass --api-address; pass --control-socket for another socket)"
                            .formatted(
                                    tcpAddress,
                                    options.controlSocket().map(Path::toString).orElse("(none)"),
                                    e.getMessage()),
                    e);
        }
        if (options.controlSocket().isPresent()) {
            Path socket = options.controlSocket().get();
            boundSocket = Optional.of(socket);
            ControlSocket.restrict(socket, options.controlGroup());
            ControlSocket.unreachableByGroup(socket, options.controlGroup())
                    .ifPresent(warning -> log.atWarn().log(warning));
            log.atInfo()
                    .addKeyValue("socket", socket.toAbsolutePath())
                    .addKeyValue("group", options.controlGroup().orElse(""))
                    .log("control socket listening");
        }
        warnAboutOpenReads(token.isPresent());
        log.atInfo()
                .addKeyValue("address", "http://" + options.apiAddress().getHostString() + ":" + tcp.getLocalPort())
                .addKeyValue("changes", token.isPresent() ? "with the API token" : "refused")
                .log("status server running");
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
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() throws Exception {
        logs.stop();
        try {
            if (server != null) {
                server.stop();
            }
        } finally {
            if (boundSocket.isPresent()) {
                Files.deleteIfExists(boundSocket.get());
            }
        }
    }
}
