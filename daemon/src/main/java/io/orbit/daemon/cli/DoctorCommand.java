package io.orbit.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orbit.daemon.DaemonOptions;
import io.orbit.daemon.api.ControlSocket;
import io.orbit.daemon.cli.DoctorChecks.Check;
import io.orbit.daemon.runtime.ContainerRuntimes;
import io.orbit.engine.netlimit.HostNetworkLimiter;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.http.EngineSocketDiscovery;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;

/** {@code orbit doctor}: checks the host for what the daemon needs, printing each problem with its exact fix. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Checks the host for what the daemon needs, and says how to fix what is missing.",
            "With the daemon's flags (-r, --runtime-socket, -c, --api-address, --control-socket): Java, the engine's"
                    + " socket and what the engine can do here (rootless? cgroup version? limits and stats?), the"
                    + " config directory, the API address, the services' node ports and the control socket. Prints ok,"
                    + " or the problem and the exact fix. Exits 1 if any check fails (warnings do not)."
        })
final class DoctorCommand extends OrbitSubcommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() {
        LogLevels.apply("warning");
        parent.followRunningDaemon(spec, true, true, spec.commandLine().getErr());
        DaemonOptions options = parent.options();
        List<Check> checks = new ArrayList<>();
        checks.add(DoctorChecks.java(
                Runtime.version(), System.getProperty("java.vendor", "?"), System.getProperty("java.home", "?")));
        checks.addAll(engineChecks(options));
        Optional<SpecValidator.Result> services = validate(options);
        checks.add(DoctorChecks.configDirectory(options.configDirectory(), services));
        checks.add(DoctorChecks.hostAccess(options.hardening().allowHostAccess(), services));
        checks.add(DoctorChecks.secretFiles(services));
        checks.add(DoctorChecks.networkLimits(
                engineInfo(options),
                HostNetworkLimiter.detect().support(),
                services.map(result -> DoctorChecks.servicesWithNetworkLimits(result.services()))
                        .orElse(List.of())));
        Optional<JsonNode> daemonStatus = checkApiAddress(options, checks);
        Set<String> daemonServices = new HashSet<>();
        daemonStatus.ifPresent(status -> status.forEach(
                service -> daemonServices.add(service.path("service_name").asText())));
        services.map(result -> DoctorChecks.nodePorts(result.services()))
                .orElse(List.of())
                .forEach(port -> checks.add(DoctorChecks.nodePort(
                        port,
                        DoctorChecks.probe(new InetSocketAddress(port.port())),
                        daemonServices.contains(port.service()))));
        checks.add(controlSocket(options));
        return print(checks, out());
    }

    private static List<Check> engineChecks(DaemonOptions options) {
        EngineSocketDiscovery.Discovered socket;
        try {
            socket = ContainerRuntimes.discover(options.runtime(), options);
        } catch (IllegalArgumentException badAddress) {
            return List.of(Check.fail(
                    options.runtime() + " socket",
                    Objects.requireNonNullElse(badAddress.getMessage(), "not a socket address"),
                    "give a Unix socket: --runtime-socket unix:///path/to.sock"));
        }
        Optional<EngineInfo> info = Optional.empty();
        Optional<String> error = Optional.empty();
        try (ContainerRuntime runtime = ContainerRuntimes.open(options.runtime(), socket)) {
            info = Optional.of(runtime.info());
        } catch (ContainerRuntimeException e) {
            error = Optional.of(Objects.requireNonNullElse(e.getMessage(), e.toString()));
        }
        List<Check> checks = new ArrayList<>();
        checks.add(DoctorChecks.engineSocket(options.runtime(), socket, info, error));
        info.ifPresent(engine -> {
            checks.add(DoctorChecks.engine(engine));
            checks.add(DoctorChecks.limitsAndStats(engine));
        });
        return checks;
    }

    /** The engine's info for the network limit check, empty when it does not answer (the socket check says why). */
    private static Optional<EngineInfo> engineInfo(DaemonOptions options) {
        try (ContainerRuntime runtime =
                ContainerRuntimes.open(options.runtime(), ContainerRuntimes.discover(options.runtime(), options))) {
            return Optional.of(runtime.info());
        } catch (ContainerRuntimeException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<SpecValidator.Result> validate(DaemonOptions options) {
        if (!Files.isDirectory(options.configDirectory())) {
            return Optional.empty();
        }
        try {
            return Optional.of(SpecValidator.validate(
                    options.configDirectoryReader().loadAll(),
                    options.apiAddress().getPort(),
                    options.hostAccess()));
        } catch (java.io.UncheckedIOException refused) {
            return Optional.of(new SpecValidator.Result(
                    List.of(),
                    List.of(io.orbit.engine.spec.SpecProblem.error(
                            options.configDirectory(),
                            "",
                            Objects.requireNonNullElse(refused.getMessage(), refused.toString())))));
        }
    }

    /** Adds the API address check; returns the running daemon's /status when one answers there. */
    private static Optional<JsonNode> checkApiAddress(DaemonOptions options, List<Check> checks) {
        InetSocketAddress address = new InetSocketAddress(
                options.apiAddress().getHostString(), options.apiAddress().getPort());
        DoctorChecks.PortState state = DoctorChecks.probe(address);
        Optional<JsonNode> health = Optional.empty();
        Optional<JsonNode> status = Optional.empty();
        if (state == DoctorChecks.PortState.IN_USE) {
            health = get(address, "/healthz").filter(json -> json.has("status") && json.has("engine"));
            status = health.flatMap(ok -> get(address, "/status"));
        }
        checks.add(DoctorChecks.apiAddress(
                address,
                state,
                health.map(json -> "status " + json.path("status").asText() + ", engine "
                        + json.path("engine").asText())));
        checks.add(DoctorChecks.stateStore(
                health.map(json -> json.path("state_store"))
                        .filter(JsonNode::isObject)
                        .map(json -> new DoctorChecks.StoreHealth(
                                json.path("directory").asText(),
                                json.path("ok").asBoolean(),
                                json.path("error").asText(""),
                                json.path("since").asText(""))),
                options.hardening().stateDirectory()));
        return status;
    }

    private static Optional<JsonNode> get(InetSocketAddress address, String path) {
        try (HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1)
                .build()) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(
                                    URI.create("http://" + address.getHostString() + ":" + address.getPort() + path))
                            .timeout(Duration.ofSeconds(3))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Where the daemon's control socket goes: in use by a daemon, stale, or creatable. */
    private static Check controlSocket(DaemonOptions options) {
        if (options.controlSocket().isEmpty()) {
            return Check.ok("control socket", "none (--control-socket none): the CLI uses the TCP API for reads");
        }
        Path socket = options.controlSocket().get();
        if (Files.exists(socket)) {
            return ControlSocket.answers(socket)
                    ? Check.ok("control socket", socket + ": a daemon answers")
                    : Check.warn(
                            "control socket",
                            socket + " exists but nothing answers (left by a daemon that was killed)",
                            "nothing to do: the daemon replaces it when it starts");
        }
        Path existing = socket.toAbsolutePath().getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.isWritable(existing)
                ? Check.ok("control socket", socket + ": free, the daemon creates it")
                : Check.fail(
                        "control socket",
                        "this user cannot create " + socket,
                        ControlSocket.isRoot()
                                ? "pass --control-socket PATH in a writable directory"
                                : "run as root, set XDG_RUNTIME_DIR (a login session does), or pass --control-socket"
                                        + " PATH (or none)");
    }

    private static int print(List<Check> checks, PrintWriter out) {
        int failures = 0;
        int warnings = 0;
        for (Check check : checks) {
            String mark = switch (check.outcome()) {
                case OK -> "[ ok ]";
                case WARN -> "[warn]";
                case FAIL -> "[FAIL]";
            };
            out.printf("%s %s: %s%n", mark, check.name(), check.detail());
            check.fix().ifPresent(fix -> out.printf("       fix: %s%n", fix));
            failures += check.outcome() == DoctorChecks.Outcome.FAIL ? 1 : 0;
            warnings += check.outcome() == DoctorChecks.Outcome.WARN ? 1 : 0;
        }
        if (failures == 0) {
            out.printf("no problems (%d check(s), %d warning(s))%n", checks.size(), warnings);
        } else {
            out.printf("%d problem(s) (%d check(s), %d warning(s))%n", failures, checks.size(), warnings);
        }
        out.flush();
        return failures == 0 ? 0 : 1;
    }
}
