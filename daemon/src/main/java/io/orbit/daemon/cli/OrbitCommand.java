package io.orbit.daemon.cli;

import com.google.inject.Guice;
import com.google.inject.Module;
import com.google.inject.Stage;
import io.orbit.daemon.Daemon;
import io.orbit.daemon.DaemonModule;
import io.orbit.daemon.DaemonOptions;
import io.orbit.daemon.DataPlaneCompilation;
import io.orbit.daemon.api.BrowserGuard;
import io.orbit.daemon.api.ControlSocket;
import io.orbit.daemon.runtime.RuntimeModule;
import io.orbit.daemon.systemd.Hangup;
import io.orbit.engine.spec.InvalidUnitException;
import io.orbit.engine.spec.Units;
import io.orbit.proxy.ProxyOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orbit}: with no sub-command it runs the daemon with Orbit's flags; sub-commands validate and plan.
 *
 * <p>Longer than 300 lines: the root command's options (every flag of the daemon and the CLI) and their resolution into DaemonOptions, which picocli needs as fields of one class.
 */
@Command(
        name = "orbit",
        mixinStandardHelpOptions = true,
        versionProvider = OrbitCommand.Version.class,
        sortOptions = false,
        description = {
            "Runs the services described by the Orbit YAML files in a directory on Podman or Docker:",
            "keeps them at their replica count, replaces failed containers and follows every edit of the files.",
            "",
            "Without a command, runs the daemon. Status: GET http://127.0.0.1:4112/status, metrics: /metrics.",
            "The commands status, scale, restart, rollout, events and logs talk to the running daemon over its control"
                    + " socket."
        },
        footer = {
            "",
            "Environment: LOG_LVL (log level), CONTAINER_HOST / DOCKER_HOST (engine socket), ORBIT_RUNTIME (podman|docker).",
            "Signals: SIGTERM and SIGINT stop the daemon within seconds; pods keep running unless --on-exit stop."
        })
public final class OrbitCommand implements java.util.concurrent.Callable<Integer> {

    @Option(
            names = {"-c", "--config-dir"},
            scope = CommandLine.ScopeType.INHERIT,
            description =
                    "Directory of service files (*.yml, *.yaml, nested directories too). Default: ${DEFAULT-VALUE}.",
            defaultValue = "configs")
    Path configDirectory;

    @Option(
            names = {"-r", "--runtime"},
            scope = CommandLine.ScopeType.INHERIT,
            description = "Container engine: podman or docker. Default: $ORBIT_RUNTIME, else ${DEFAULT-VALUE}.",
            defaultValue = "${env:ORBIT_RUNTIME:-docker}")
    DaemonOptions.Runtime runtime;

    @Option(
            names = "--runtime-socket",
            scope = CommandLine.ScopeType.INHERIT,
            description = "The engine's Unix socket (unix:///path or /path). Default: discovered.")
    Optional<String> runtimeSocket;

    @Option(
            names = {"-l", "--log-level"},
            description = "trace, debug, info, warning, error or critical. Default: $LOG_LVL, else ${DEFAULT-VALUE}.",
            defaultValue = "${env:LOG_LVL:-info}")
    String logLevel;

    @Option(
            names = "--volume-dir",
            description = "Root of volume data. Default: ${DEFAULT-VALUE}.",
            defaultValue = "volumes")
    Path volumeDirectory;

    @Option(
            names = "--api-address",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Where /status and /metrics listen, HOST:PORT. Default: ${DEFAULT-VALUE}.",
            defaultValue = "127.0.0.1:4112")
    String apiAddress;

    @Option(
            names = "--on-exit",
            description =
                    "What happens to the pods when the daemon stops: keep (adopted by the next start) or stop. Default: ${DEFAULT-VALUE}.",
            defaultValue = "keep")
    DaemonOptions.OnExit onExit;

    @Option(
            names = "--proxy-address",
            description = "The address the proxy listens on for every node_port. Default: ${DEFAULT-VALUE} (all "
                    + "interfaces, as Orbit); 127.0.0.1 keeps services local.",
            defaultValue = "0.0.0.0")
    String proxyAddress;

    @Option(
            names = "--proxy-max-connections-per-client",
            paramLabel = "N",
            converter = AtLeastOneConverter.class,
            description = "Open connections one client IP address may hold on one node_port; more are closed at once "
                    + "(counted in orbit_proxy_connections_rejected_total). Raise it for a NAT gateway or a proxy in "
                    + "front. Each node_port holds at most 10000 connections. Default: ${DEFAULT-VALUE}.",
            defaultValue = "" + ProxyOptions.DEFAULT_MAX_CONNECTIONS_PER_CLIENT)
    int proxyMaxConnectionsPerClient;

    @Option(
            names = "--drain-timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long a pod taken out of traffic (removed, replaced by a rolling update, or failing its "
                    + "health check) may finish its in-flight requests before it is stopped anyway; humantime, e.g. "
                    + "500ms, 30s, 1m. 0s stops it at once. Default: ${DEFAULT-VALUE}.",
            defaultValue = "10s")
    Duration drainTimeout;

    @Option(
            names = "--pull-timeout",
            paramLabel = "DURATION",
            converter = PositiveDurationConverter.class,
            description = "How long an image pull may go without progress (pull_policy: Always, image checks) before "
                    + "it fails with the image and the registry named, and its worker is free again; humantime, e.g. "
                    + "30s, 5m. Default: ${DEFAULT-VALUE}.",
            defaultValue = "5m")
    Duration pullTimeout;

    @Option(
            names = "--instance",
            scope = CommandLine.ScopeType.INHERIT,
            description =
                    "Name that labels this daemon's pods (orbit.instance); daemons with different names share an engine "
                            + "without touching each other's pods. Default: $ORBIT_INSTANCE, else ${DEFAULT-VALUE}.",
            defaultValue = "${env:ORBIT_INSTANCE:-default}")
    String instance;

    @Option(
            names = "--control-socket",
            scope = CommandLine.ScopeType.INHERIT,
            paramLabel = "PATH",
            description = "The daemon's control socket, which the CLI's status, scale, restart, events and logs use; "
                    + "'none' for none. Default: /run/orbit/orbit.sock as root, $XDG_RUNTIME_DIR/orbit/orbit.sock "
                    + "otherwise (orbit-INSTANCE.sock for another --instance).")
    Optional<String> controlSocket;

    @Option(
            names = "--control-group",
            paramLabel = "GROUP",
            description = "Members of this group may change services (scale, restart) through the control socket, "
                    + "besides root and the daemon's own user; the socket is then 0660 and owned by the group.")
    Optional<String> controlGroup;

    @Option(
            names = "--api-token",
            scope = CommandLine.ScopeType.INHERIT,
            paramLabel = "FILE",
            description = "A file holding a bearer token. The daemon then accepts changes on the TCP --api-address "
                    + "from requests with 'Authorization: Bearer TOKEN'; the CLI sends it when it uses the TCP API.")
    Optional<Path> apiToken;

    @Option(
            names = "--api-allowed-host",
            paramLabel = "HOST",
            split = ",",
            converter = AllowedHostConverter.class,
            description = "A host name (or IP address) clients use in the URL of the TCP API, besides localhost, "
                    + "127.0.0.1, [::1] and the host of --api-address; repeatable. Requests naming another host get "
                    + "421 (a guard against DNS rebinding by web pages).")
    List<String> apiAllowedHosts = new java.util.ArrayList<>();

    @Option(
            names = "--allow-host-access",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Let service files run privileged containers, mount host system paths (/, /etc, /proc, "
                    + "/run...) or engine sockets, and use the host's network. Off by default: such a file is an "
                    + "error, since the daemon (root) would hand the host to whoever writes it.")
    boolean allowHostAccess;

    @Option(
            names = "--api-local-users",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Accept changes over the TCP API without the token from this host's loopback when the "
                    + "client's socket belongs to a user the control socket accepts (root, the daemon's user, "
                    + "--control-group), as the kernel's socket table says: the dashboard in a local browser can act "
                    + "without a token. Off by default.")
    boolean apiLocalUsers;

    @Option(
            names = "--max-service-file-size",
            scope = CommandLine.ScopeType.INHERIT,
            paramLabel = "SIZE",
            converter = SizeConverter.class,
            description = "Larger service files are refused before they are read; bytes or 512K, 1Mi, 2M (binary "
                    + "units). Default: ${DEFAULT-VALUE}.",
            defaultValue = "1Mi")
    long maxServiceFileBytes;

    @Option(
            names = "--state-dir",
            scope = CommandLine.ScopeType.INHERIT,
            paramLabel = "DIR",
            description = "The daemon's state: pins, autoscaled counts, rollouts, restart back-offs, the journal, the"
                    + " key of the hashes /status shows. Default: state/ beside the config dir in a source checkout,"
                    + " else /var/lib/orbit as root, $XDG_STATE_HOME/orbit or ~/.local/state/orbit otherwise.")
    Optional<Path> stateDirectory;

    private static final Logger log = LoggerFactory.getLogger(OrbitCommand.class);

    @Option(
            names = "--config-file",
            scope = CommandLine.ScopeType.INHERIT,
            description = "YAML file of defaults for these flags (keys in snake_case, e.g. runtime: podman). "
                    + "Default: $ORBIT_CONFIG, else /etc/orbit/orbit.yaml if it exists.")
    Optional<Path> configFile;

    /**
     * The sub-commands by name, in the order {@code --help} lists them. picocli models a command by reflection when
     * it is added, 5-15 ms each in a JVM that just started (its classes cannot be in the AOT cache: they are Java 5
     * class files), so a command line models only what it runs: see {@link #commandLine(String[])}.
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("validate", ValidateCommand::new);
        commands.put("plan", PlanCommand::new);
        commands.put("proxy", ProxyCommand::new);
        commands.put("status", StatusCommand::new);
        commands.put("scale", ScaleCommand::new);
        commands.put("restart", RestartCommand::new);
        commands.put("rollout", RolloutCommand::new);
        commands.put("events", EventsCommand::new);
        commands.put("logs", LogsCommand::new);
        commands.put("doctor", DoctorCommand::new);
        commands.put("import", ImportCommand::new);
        commands.put("export", ExportCommand::new);
        return Collections.unmodifiableMap(commands);
    }

    /** The whole command line, every sub-command included (for help and documentation). */
    public static CommandLine commandLine() {
        return commandLine(new String[0], SUBCOMMANDS.keySet());
    }

    /**
     * The command line for these arguments, with defaults from the daemon config file they name (or the default one).
     * It has the sub-command the arguments name; none for the daemon (its flags only), unless the arguments ask for
     * help or do not parse without them (a mistyped command then gets picocli's "did you mean").
     */
    public static CommandLine commandLine(String[] args) {
        List<String> words = List.of(args);
        Optional<String> named = words.stream().filter(SUBCOMMANDS::containsKey).findFirst();
        if (named.isPresent()) {
            return commandLine(args, Set.of(named.get()));
        }
        if (words.contains("-h") || words.contains("--help") || words.contains("help")) {
            return commandLine(args, SUBCOMMANDS.keySet());
        }
        CommandLine daemon = commandLine(args, Set.of());
        try {
            daemon.parseArgs(args);
            return daemon;
        } catch (CommandLine.ParameterException unmatched) {
            return commandLine(args, SUBCOMMANDS.keySet());
        }
    }

    private static CommandLine commandLine(String[] args, Set<String> subcommands) {
        CommandLine commandLine = new CommandLine(new OrbitCommand());
        // Added before the settings below: picocli applies them to the sub-commands present at that moment.
        SUBCOMMANDS.forEach((name, command) -> {
            if (subcommands.contains(name)) {
                commandLine.addSubcommand(name, command.get());
            }
        });
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setDefaultValueProvider(DaemonConfigFile.load(configFileArgument(args), System.getenv()));
        return commandLine;
    }

    /** Finds {@code --config-file X} or {@code --config-file=X} before picocli parses (defaults come first). */
    static Optional<Path> configFileArgument(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config-file") && i + 1 < args.length) {
                return Optional.of(Path.of(args[i + 1]));
            }
            if (args[i].startsWith("--config-file=")) {
                return Optional.of(Path.of(args[i].substring("--config-file=".length())));
            }
        }
        return Optional.empty();
    }

    DaemonOptions options() {
        return new DaemonOptions(
                configDirectory,
                runtime,
                runtimeSocket,
                logLevel,
                volumeDirectory,
                parseAddress(apiAddress),
                onExit,
                instance,
                controlSocketPath(),
                controlGroup,
                apiToken,
                apiAllowedHosts,
                proxyAddress,
                drainTimeout,
                proxyMaxConnectionsPerClient,
                new DaemonOptions.Hardening(
                        allowHostAccess,
                        maxServiceFileBytes,
                        stateDirectory.orElseGet(() -> DaemonOptions.Hardening.defaultStateDirectory(
                                configDirectory,
                                ControlSocket.isRoot(),
                                System.getenv(),
                                System.getProperty("user.home"))),
                        apiLocalUsers),
                pullTimeout);
    }

    /**
     * For the host-level commands ({@code doctor}, {@code plan}, {@code validate} without DIR): when a daemon answers
     * on the control socket, its runtime and engine socket ({@code followRuntime}) and its config directory ({@code
     * followConfigDirectory}) replace the CLI's defaults. What the command line gives ({@code -r}, {@code
     * --runtime-socket}, {@code -c}) or {@code ORBIT_RUNTIME} stays. Says on {@code err} what it used and where from.
     */
    void followRunningDaemon(
            CommandLine.Model.CommandSpec command,
            boolean followRuntime,
            boolean followConfigDirectory,
            java.io.PrintWriter err) {
        if (!followRuntime && !followConfigDirectory) {
            return;
        }
        Optional<RunningDaemon> answered = RunningDaemon.ask(this);
        if (answered.isEmpty()) {
            return;
        }
        RunningDaemon daemon = answered.get();
        List<String> used = new java.util.ArrayList<>();
        boolean runtimeGiven = onCommandLine(command, "-r", "--runtime") || System.getenv("ORBIT_RUNTIME") != null;
        boolean socketGiven = onCommandLine(command, "--runtime-socket");
        if (followRuntime && !runtimeGiven && !socketGiven) {
            runtime = daemon.runtime();
            runtimeSocket = daemon.runtimeSocket();
            used.add("runtime " + runtime
                    + daemon.runtimeSocket().map(path -> " (" + path + ")").orElse(""));
        } else if (followRuntime
                && !socketGiven
                && runtime == daemon.runtime()
                && daemon.runtimeSocket().isPresent()) {
            runtimeSocket = daemon.runtimeSocket();
            used.add("engine socket " + daemon.runtimeSocket().get());
        }
        List<String> hints = new java.util.ArrayList<>();
        if (!used.isEmpty()) {
            hints.add("-r or --runtime-socket");
        }
        if (followConfigDirectory && !onCommandLine(command, "-c", "--config-dir")) {
            configDirectory = daemon.configDirectory();
            used.add("config directory " + configDirectory);
            hints.add("DIR or -c");
        }
        if (followRuntime
                && daemon.apiAddress().isPresent()
                && !onCommandLine(command, "--api-address")
                && !daemon.apiAddress().get().equals(apiAddress)) {
            apiAddress = daemon.apiAddress().get();
            used.add("API address " + apiAddress);
            hints.add("--api-address");
        }
        if (!used.isEmpty()) {
            err.printf(
                    "orbit %s: using the running daemon's %s (it answers on %s); pass %s to choose otherwise%n",
                    command.name(), String.join(" and ", used), daemon.controlSocket(), String.join(", ", hints));
            err.flush();
        }
    }

    /** Whether one of the option's names was typed, before or after the command's name (not a default). */
    private static boolean onCommandLine(CommandLine.Model.CommandSpec command, String... names) {
        for (CommandLine.Model.CommandSpec spec = command; spec != null; spec = spec.parent()) {
            CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
            if (parsed != null) {
                for (String name : names) {
                    if (parsed.hasMatchedOption(name)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** A size in bytes: a number, or with a binary unit as memory_limit writes it ({@code 512K}, {@code 1Mi}). */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String text = value.strip();
            try {
                long bytes = text.chars().allMatch(Character::isDigit)
                        ? Long.parseLong(text)
                        : Units.memoryBytes(com.fasterxml.jackson.databind.node.TextNode.valueOf(text));
                if (bytes < 1) {
                    throw new CommandLine.TypeConversionException("must be at least 1 byte, got '" + value + "'");
                }
                return bytes;
            } catch (InvalidUnitException | NumberFormatException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a size; write bytes or e.g. 512K, 1Mi, 2M");
            }
        }
    }

    /** A whole number of at least 1. */
    static final class AtLeastOneConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int number;
            try {
                number = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
            }
            if (number < 1) {
                throw new CommandLine.TypeConversionException("must be at least 1, got " + number);
            }
            return number;
        }
    }

    /** A humantime duration ({@code 10s}, {@code 1m 30s}) as the service files write them ({@link Units#duration}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Units.duration(value.strip());
            } catch (InvalidUnitException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** A duration above zero ({@code --pull-timeout}): zero would fail every pull at once. */
    static final class PositiveDurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration duration = new DurationConverter().convert(value);
            if (duration.isZero() || duration.isNegative()) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not above zero: give a duration such as 30s or 5m");
            }
            return duration;
        }
    }

    /** An {@code --api-allowed-host} value: a bare host name or address, lower case. */
    static final class AllowedHostConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return BrowserGuard.normalize(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The control socket a daemon listens on: the option, else the first default (see {@link ControlSocket}). */
    Optional<Path> controlSocketPath() {
        if (controlSocket.isPresent()) {
            return controlSocket.get().equals(ControlSocket.NONE)
                    ? Optional.empty()
                    : Optional.of(Path.of(controlSocket.get().replaceFirst("^unix://", "")));
        }
        return Optional.of(ControlSocket.candidates(instance, System.getenv(), ControlSocket.isRoot())
                .get(0));
    }

    static InetSocketAddress parseAddress(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new CommandLine.TypeConversionException("--api-address must be HOST:PORT, got '" + address + "'");
        }
        try {
            return InetSocketAddress.createUnresolved(
                    address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("--api-address must be HOST:PORT, got '" + address + "'");
        }
    }

    /** Runs the daemon until SIGTERM or SIGINT. */
    @Override
    public Integer call() throws InterruptedException {
        LogLevels.apply(logLevel).ifPresent(log::warn);
        DataPlaneCompilation.apply()
                .ifPresent(reason -> log.atWarn()
                        .addKeyValue("reason", reason)
                        .log("C2 compiles the whole daemon, not only its data plane: the compiler directives were not"
                                + " added"));
        DaemonOptions options = options();
        Daemon daemon = Guice.createInjector(Stage.PRODUCTION, modules(options)).getInstance(Daemon.class);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform().name("orbit-shutdown").unstarted(() -> {
                    log.atInfo().log("Shutting down");
                    daemon.stop();
                    stopped.countDown();
                }));
        log.atInfo()
                .addKeyValue("config_dir", options.configDirectory())
                .addKeyValue("runtime", options.runtime())
                .log("Starting");
        if (options.hardening().allowHostAccess()) {
            log.atWarn()
                    .log("--allow-host-access: service files may run privileged containers, mount host system paths"
                            + " and engine sockets, and use the host's network; whoever can write them controls this"
                            + " host");
        }
        try {
            daemon.start();
        } catch (Exception e) {
            log.atError().log(e.getMessage());
            return 1;
        }
        Hangup.onHangup(() -> {
            log.atInfo().log("SIGHUP: reloading the configuration");
            daemon.reload();
        });
        stopped.await();
        return 0;
    }

    /** The runtime is chosen here, once, by the module's argument: no conditionals inside modules. */
    static List<Module> modules(DaemonOptions options) {
        Module runtimeModule = new RuntimeModule(options.runtime());
        return DaemonModule.modules(options, runtimeModule);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Optional.ofNullable(OrbitCommand.class.getPackage().getImplementationVersion())
                    .orElse("0.1.0-SNAPSHOT");
            return new String[] {"orbit " + version + " (Orbit 0.3.0 compatible configuration)"};
        }
    }
}
