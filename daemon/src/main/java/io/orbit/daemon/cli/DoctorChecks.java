package io.orbit.daemon.cli;

import static java.util.Objects.requireNonNull;

import io.orbit.daemon.DaemonOptions;
import io.orbit.engine.netlimit.NetworkLimit;
import io.orbit.engine.netlimit.NetworkLimitSupport;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.HostAccess;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.http.EngineSocketDiscovery;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The checks of {@code orbit doctor}, each giving OK, a warning or a failure with the exact fix. The decisions are
 * pure functions of what was observed (engine info, validation result, whether a port could be bound), so they are
 * unit-tested without an engine.
 *
 * <p>Longer than 300 lines: one pure decision per check of orbit doctor, listed together as the doctor's checklist.
 */
final class DoctorChecks {

    /** One check's outcome; a warning or failure always carries a fix. */
    record Check(String name, Outcome outcome, String detail, Optional<String> fix) {
        Check {
            requireNonNull(name, "name is null");
            requireNonNull(outcome, "outcome is null");
            requireNonNull(detail, "detail is null");
            requireNonNull(fix, "fix is null");
        }

        static Check ok(String name, String detail) {
            return new Check(name, Outcome.OK, detail, Optional.empty());
        }

        static Check warn(String name, String detail, String fix) {
            return new Check(name, Outcome.WARN, detail, Optional.of(fix));
        }

        static Check fail(String name, String detail, String fix) {
            return new Check(name, Outcome.FAIL, detail, Optional.of(fix));
        }
    }

    enum Outcome {
        OK,
        WARN,
        FAIL
    }

    private DoctorChecks() {}

    static Check java(Runtime.Version version, String vendor, String home) {
        String detail = "Java %s (%s) at %s".formatted(version, vendor, home);
        return version.feature() >= 21
                ? Check.ok("java", detail)
                : Check.fail(
                        "java",
                        detail + ": Orbit needs Java 21 or newer",
                        "install a JDK 21+ (e.g. Temurin) and set JAVA_HOME or ORBIT_JAVA_HOME to it");
    }

    /** The engine's socket: where discovery looked, and whether the engine answered there. */
    static Check engineSocket(
            DaemonOptions.Runtime runtime,
            EngineSocketDiscovery.Discovered socket,
            Optional<EngineInfo> info,
            Optional<String> error) {
        String name = runtime + " socket";
        String order = socket.tried().stream().map(Path::toString).collect(Collectors.joining(", "));
        String looked = runtime == DaemonOptions.Runtime.podman
                ? "--runtime-socket, $CONTAINER_HOST, then " + order
                : "--runtime-socket, $DOCKER_HOST, then " + order;
        if (info.isPresent()) {
            return Check.ok(
                    name,
                    "%s answers at %s (found by %s; discovery order: %s)"
                            .formatted(info.get().engine(), socket.socket(), socket.source(), looked));
        }
        String why = error.orElse("no answer");
        String fix = switch (runtime) {
            case podman ->
                socket.socket().startsWith("/run/user")
                        ? "start the rootless service as its user: systemctl --user enable --now podman.socket, or"
                                + " podman system service --time=0 unix://" + socket.socket() + " &"
                        : "start it: systemctl enable --now podman.socket, or podman system service --time=0 unix://"
                                + socket.socket() + " & (scripts/setup-engines.sh does); or pass --runtime-socket"
                                + " PATH or set CONTAINER_HOST";
            case docker ->
                why.contains("permission denied")
                        ? "run as root or add your user to the docker group (usermod -aG docker $USER, then log in"
                                + " again)"
                        : "start dockerd: systemctl start docker (scripts/setup-engines.sh does); or pass"
                                + " --runtime-socket PATH or set DOCKER_HOST";
        };
        return Check.fail(name, "%s (discovery order: %s)".formatted(why, looked), fix);
    }

    static Check engine(EngineInfo info) {
        return Check.ok(
                "engine",
                "%s %s (API %s), %s, cgroup v%d"
                        .formatted(
                                info.engine(),
                                info.version(),
                                info.apiVersion(),
                                info.rootless() ? "rootless" : "rootful",
                                info.cgroupVersion()));
    }

    /** Limits and stats: missing on rootless engines without cgroup v2 delegation. */
    static Check limitsAndStats(EngineInfo info) {
        List<String> missing = new ArrayList<>();
        if (!info.supports(EngineInfo.Capability.RESOURCE_LIMITS)) {
            missing.add("memory_limit and cpu_limit are not enforced (the engine drops them silently)");
        }
        if (!info.supports(EngineInfo.Capability.STATS)) {
            missing.add("container CPU and memory stats are unavailable (autoscaling uses latency and concurrency)");
        }
        if (missing.isEmpty()) {
            return Check.ok("limits and stats", "resource limits are enforced and stats are available");
        }
        String where = "%s %s on cgroup v%d"
                .formatted(info.rootless() ? "rootless" : "rootful", info.engine(), info.cgroupVersion());
        String fix = info.rootless() && info.cgroupVersion() == 1
                ? "boot with cgroup v2 (kernel parameter systemd.unified_cgroup_hierarchy=1) and delegate cpu, memory"
                        + " and pids to users (a drop-in for user@.service with Delegate=cpu memory pids), or run a"
                        + " rootful engine"
                : "delegate the cpu, memory and pids controllers to the engine's user (Delegate=cpu memory pids in"
                        + " user@.service), or run a rootful engine";
        return Check.warn("limits and stats", where + ": " + String.join("; ", missing), fix);
    }

    /** The services whose containers declare a network rate (those network_limit would apply to). */
    static List<String> servicesWithNetworkLimits(List<ServiceDefinition> services) {
        return services.stream()
                .filter(service -> service.containers().stream()
                        .anyMatch(container -> NetworkLimit.of(
                                        container.template().networkLimit())
                                .isPresent()))
                .map(ServiceDefinition::name)
                .toList();
    }

    /**
     * Whether network_limit can be enforced with tc: a rootful engine, a root daemon, tc, ip and nsenter. A warning
     * only when a service asks for a limit; the pods start anyway, unlimited.
     */
    static Check networkLimits(Optional<EngineInfo> info, NetworkLimitSupport host, List<String> limitedServices) {
        String name = "network limits";
        Optional<String> problem = Optional.empty();
        String fix = host.fix();
        if (info.isPresent() && info.get().rootless()) {
            problem = Optional.of("rootless " + info.get().engine()
                    + ": the daemon cannot change traffic control in containers' network namespaces");
            fix = "run services with network_limit on rootful Podman or Docker (as root), or remove network_limit";
        } else if (!host.available()) {
            problem = Optional.of(host.problem());
        }
        if (problem.isEmpty()) {
            return Check.ok(name, "network_limit is enforced with tc (tbf) on each container's interfaces");
        }
        if (limitedServices.isEmpty()) {
            return Check.ok(
                    name, "network_limit could not be enforced here (" + problem.get() + "); no service uses it");
        }
        return Check.warn(
                name,
                "network_limit of " + String.join(", ", limitedServices) + " will NOT be enforced (the pods start"
                        + " without it): " + problem.get(),
                fix);
    }

    /** The config directory exists and validates as the daemon would load it. */
    static Check configDirectory(Path directory, Optional<SpecValidator.Result> result) {
        if (!Files.isDirectory(directory) || result.isEmpty()) {
            return Check.fail(
                    "config directory",
                    directory + " does not exist",
                    "create it (mkdir -p " + directory + ") and put service files in it, or pass -c DIR");
        }
        List<SpecProblem> errors = result.get().errors();
        if (!errors.isEmpty()) {
            String first = errors.stream().limit(3).map(SpecProblem::toString).collect(Collectors.joining("; "));
            return Check.fail(
                    "config directory",
                    "%s: %d error(s): %s%s".formatted(directory, errors.size(), first, errors.size() > 3 ? "; …" : ""),
                    "orbit validate " + directory + " lists every problem with its fix");
        }
        String summary = "%s: %d service(s) valid"
                .formatted(directory, result.get().services().size());
        if (!result.get().warnings().isEmpty()) {
            return Check.warn(
                    "config directory",
                    summary + ", " + result.get().warnings().size() + " warning(s)",
                    "orbit validate " + directory + " shows them");
        }
        return Check.ok("config directory", summary);
    }

    /** Marks the validation warning of a secret or env_file others may read (see SecretResolver). */
    static final String READABLE_BY_OTHERS = "is readable by every user of the host";

    /**
     * Secret and env_file files others may read: a warning naming each and the chmod, since every local user has the
     * value already. OK when there are none (or no config could be read; the config check says why).
     */
    static Check secretFiles(Optional<SpecValidator.Result> result) {
        List<String> readable = result.map(r -> r.warnings().stream()
                        .filter(problem -> problem.message().contains(READABLE_BY_OTHERS))
                        .map(problem -> problem.file() + ": " + problem.fieldPath() + " ("
                                + problem.message()
                                        .substring(0, problem.message().indexOf(READABLE_BY_OTHERS))
                                        .strip()
                                + ")")
                        .toList())
                .orElse(List.of());
        if (readable.isEmpty()) {
            return Check.ok("secret files", "no secret or env_file is readable by other users");
        }
        return Check.warn(
                "secret files",
                readable.size() + " secret or env_file file(s) readable by every user: " + String.join(", ", readable),
                "chmod o-r each of them (600, or 640 with the daemon's group), and rotate the values: they may have"
                        + " been read");
    }

    /**
     * The host access policy: OK when denied (the default); a warning when {@code --allow-host-access} is on, naming
     * the uses the service files make of it.
     */
    static Check hostAccess(boolean allowed, Optional<SpecValidator.Result> result) {
        if (!allowed) {
            return Check.ok(
                    "host access",
                    "off: service files may not run privileged containers, mount host system paths or engine sockets,"
                            + " or use the host's network (" + HostAccess.FLAG + " allows it)");
        }
        List<String> uses = result.map(r -> r.warnings().stream()
                        .filter(problem -> problem.message().startsWith("host access allowed"))
                        .map(problem -> problem.file() + ": " + problem.fieldPath())
                        .toList())
                .orElse(List.of());
        return Check.warn(
                "host access",
                "ON (" + HostAccess.FLAG + "): service files may run privileged containers, mount host system paths"
                        + " and engine sockets, and use the host's network; whoever can write the config directory"
                        + " controls this host. "
                        + (uses.isEmpty()
                                ? "No service uses it now"
                                : uses.size() + " use(s) now: " + String.join(", ", uses)),
                "remove " + HostAccess.FLAG + " (or allow_host_access from orbit.yaml) unless a service needs it;"
                        + " orbit validate without the flag lists what would then be refused");
    }

    /** What a bind test found on a port. */
    enum PortState {
        FREE,
        IN_USE,
        NOT_PERMITTED
    }

    static PortState probe(InetSocketAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(address);
            return PortState.FREE;
        } catch (BindException e) {
            return String.valueOf(e.getMessage()).contains("ermission") ? PortState.NOT_PERMITTED : PortState.IN_USE;
        } catch (IOException e) {
            return PortState.IN_USE;
        }
    }

    /**
     * The API address: free, or held by an orbit daemon answering {@code /healthz}.
     *
     * @param daemonHealth what {@code /healthz} said on that address, if anything answered like an orbit daemon
     */
    static Check apiAddress(InetSocketAddress address, PortState state, Optional<String> daemonHealth) {
        String where = address.getHostString() + ":" + address.getPort();
        return switch (state) {
            case FREE -> Check.ok("api address", where + " is free");
            case IN_USE ->
                daemonHealth
                        .map(health ->
                                Check.ok("api address", where + " is held by a running orbit daemon (" + health + ")"))
                        .orElseGet(() -> Check.fail(
                                "api address",
                                where + " is in use by another program",
                                "free it (ss -ltnp 'sport = :" + address.getPort() + "' shows which program) or pass"
                                        + " --api-address HOST:PORT"));
            case NOT_PERMITTED ->
                Check.fail("api address", "may not listen on " + where, "use a port of 1024 or more, or run as root");
        };
    }

    /** A service's node port, with where it is declared. */
    record NodePort(int port, String service, Path file) {}

    static List<NodePort> nodePorts(List<ServiceDefinition> services) {
        List<NodePort> ports = new ArrayList<>();
        for (ServiceDefinition service : services) {
            for (ContainerDefinition container : service.containers()) {
                for (ContainerTemplate.PortSpec port : container.ports()) {
                    if (port.nodePort() != null) {
                        ports.add(new NodePort(port.nodePort(), service.name(), service.file()));
                    }
                }
            }
        }
        return ports;
    }

    /**
     * One node port: free on the host, or held by the running daemon for that service.
     *
     * @param servedByDaemon true when the running daemon reports this service (so the port is its own)
     */
    static Check nodePort(NodePort port, PortState state, boolean servedByDaemon) {
        String name = "node port " + port.port();
        String owner = "service %s (%s)".formatted(port.service(), port.file());
        return switch (state) {
            case FREE -> Check.ok(name, "free for " + owner);
            case IN_USE ->
                servedByDaemon
                        ? Check.ok(name, "in use by the running daemon for " + owner)
                        : Check.fail(
                                name,
                                "in use by another program; " + owner + " needs it",
                                "free it (ss -ltnp 'sport = :" + port.port() + "' shows which program) or change"
                                        + " node_port in " + port.file());
            case NOT_PERMITTED ->
                Check.fail(
                        name,
                        "this user may not listen on port %d, which %s needs".formatted(port.port(), owner),
                        "run the daemon as root, or allow it: sysctl -w net.ipv4.ip_unprivileged_port_start="
                                + port.port());
        };
    }

    /** The running daemon's {@code state_store} of /healthz. */
    record StoreHealth(String directory, boolean ok, String error, String since) {}

    /**
     * The state store (issue 14): the running daemon's own report when one answers; otherwise whether {@code --state-dir}
     * is (or can be made) a directory this user may write.
     */
    static Check stateStore(Optional<StoreHealth> daemon, Path stateDirectory) {
        String name = "state store";
        if (daemon.isPresent()) {
            StoreHealth health = daemon.get();
            if (health.ok()) {
                return Check.ok(name, "the daemon writes its state to " + health.directory());
            }
            return Check.fail(
                    name,
                    "the daemon cannot write its state since " + health.since() + ": " + health.error(),
                    "free space on the file system of " + health.directory() + " (df -h " + health.directory()
                            + "), or restart the daemon with --state-dir on a writable file system; reconciling goes"
                            + " on meanwhile, but pins, autoscaled counts and back-offs decided since then are lost"
                            + " if the daemon restarts");
        }
        Path existing = stateDirectory.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && Files.isDirectory(existing) && Files.isWritable(existing)) {
            return Check.ok(
                    name,
                    existing.equals(stateDirectory.toAbsolutePath())
                            ? stateDirectory + " is writable"
                            : stateDirectory + " will be made (0700) at the first start");
        }
        return Check.warn(
                name,
                stateDirectory + " is not writable by this user; the daemon would run without kept state",
                "run the daemon as the directory's owner, or pass --state-dir DIR (or state_dir: in orbit.yaml)");
    }
}
