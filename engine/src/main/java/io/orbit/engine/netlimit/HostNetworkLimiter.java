package io.orbit.engine.netlimit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies limits with the host's {@code tc}, {@code ip} and {@code nsenter} (see {@link TcCommands}). Needs root: the
 * daemon enters containers' network namespaces and changes qdiscs on host interfaces.
 */
public final class HostNetworkLimiter implements NetworkLimiter {

    private static final Logger log = LoggerFactory.getLogger(HostNetworkLimiter.class);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    static final String INSTALL_FIX =
            "install iproute2 (tc, ip) and util-linux (nsenter): apt-get install -y iproute2" + " util-linux";

    private final CommandRunner commands;
    private final NetworkLimitSupport support;

    HostNetworkLimiter(CommandRunner commands, NetworkLimitSupport support) {
        this.commands = commands;
        this.support = support;
    }

    /** Checks once whether the tools are there and the daemon is root. */
    public static HostNetworkLimiter detect() {
        return detect(new ProcessCommandRunner(), effectiveUid());
    }

    static HostNetworkLimiter detect(CommandRunner commands, long effectiveUid) {
        return new HostNetworkLimiter(commands, check(commands, effectiveUid));
    }

    static NetworkLimitSupport check(CommandRunner commands, long effectiveUid) {
        if (effectiveUid != 0) {
            return NetworkLimitSupport.unsupported(
                    "the daemon runs as uid " + effectiveUid
                            + " and cannot change traffic control in containers' network namespaces",
                    "run the daemon as root with a rootful engine (rootful Podman or Docker), or remove network_limit");
        }
        List<String> missing = new ArrayList<>();
        for (List<String> probe : List.of(List.of("tc", "-V"), List.of("ip", "-V"), List.of("nsenter", "--version"))) {
            try {
                if (!commands.run(probe, COMMAND_TIMEOUT).succeeded()) {
                    missing.add(probe.getFirst());
                }
            } catch (IOException e) {
                missing.add(probe.getFirst());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                missing.add(probe.getFirst());
            }
        }
        if (!missing.isEmpty()) {
            return NetworkLimitSupport.unsupported(
                    String.join(", ", missing) + " not found on the PATH (" + System.getenv("PATH") + ")", INSTALL_FIX);
        }
        return NetworkLimitSupport.supported();
    }

    @Override
    public NetworkLimitSupport support() {
        return support;
    }

    @Override
    public void apply(long pid, NetworkLimit limit) throws NetworkLimitException {
        if (!support.available()) {
            throw new NetworkLimitException(support.problem());
        }
        if (pid <= 0) {
            throw new NetworkLimitException("the container is not running (no PID)");
        }
        List<TcCommands.Link> containerLinks =
                TcCommands.parseLinks(run(TcCommands.inNetworkNamespace(pid, TcCommands.listLinks())));
        List<TcCommands.Link> hostLinks =
                limit.limitsIngress() ? TcCommands.parseLinks(run(TcCommands.listLinks())) : List.of();
        List<List<String>> steps;
        try {
            steps = TcCommands.commands(pid, limit, containerLinks, hostLinks);
        } catch (IllegalStateException e) {
            throw new NetworkLimitException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
        }
        for (List<String> step : steps) {
            run(step);
        }
    }

    private String run(List<String> command) throws NetworkLimitException {
        String line = String.join(" ", command);
        try {
            CommandRunner.Result result = commands.run(command, COMMAND_TIMEOUT);
            if (!result.succeeded()) {
                throw new NetworkLimitException(
                        "'" + line + "' failed with exit code " + result.exitCode() + ": " + result.output());
            }
            log.atDebug().addKeyValue("command", line).log("ran");
            return result.output();
        } catch (IOException e) {
            throw new NetworkLimitException("'" + line + "' could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkLimitException("interrupted while running '" + line + "'", e);
        }
    }

    /** The effective uid from {@code /proc/self/status}; -1 where it cannot be read (not Linux). */
    static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
