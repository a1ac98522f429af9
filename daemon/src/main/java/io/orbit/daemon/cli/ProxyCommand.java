package io.orbit.daemon.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orbit.engine.routing.Backend;
import io.orbit.engine.routing.Route;
import io.orbit.engine.routing.RouteTable;
import io.orbit.proxy.ListenerState;
import io.orbit.proxy.ProxyOptions;
import io.orbit.proxy.ProxyServer;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orbit proxy}: the daemon's proxy on one port over a fixed list of backends, with no container engine — for
 * benchmarks and for trying the balancer alone.
 */
@Command(
        name = "proxy",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs Orbit's proxy alone: one listener balancing over fixed backends, with the same health checks,",
            "retries, ejection and timeouts as the daemon. No container engine is needed. Stops on SIGTERM/SIGINT."
        },
        footer = {
            "",
            "Example: orbit proxy --listen 127.0.0.1:19102 --backend 127.0.0.1:19001 --backend 127.0.0.1:19002",
            "",
            "JVM flags come from ORBIT_JAVA_OPTS (./orbit's default suits the CLI, not a proxy). The benchmark uses:",
            "  ORBIT_JAVA_OPTS='" + ProxyCommand.BENCHMARK_JAVA_OPTS + "'"
        })
public final class ProxyCommand implements Callable<Integer> {

    /** The launch the benchmark measures (docs/benchmarks.md, scripts/bench-proxy.sh). */
    static final String BENCHMARK_JAVA_OPTS =
            "-XX:+UseParallelGC -Xms256m -Xmx256m -XX:+AlwaysPreTouch -XX:-UsePerfData -Xss512k";

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", description = "Where to listen.")
    String listen;

    @Option(names = "--backend", required = true, paramLabel = "HOST:PORT", description = "A backend; repeat for more.")
    List<String> backends;

    @Option(
            names = "--lb",
            paramLabel = "p2c|round-robin",
            description =
                    "Balancing: power of two choices on in-flight requests, or round-robin. Default: ${DEFAULT-VALUE}.",
            defaultValue = "p2c")
    String loadBalancing;

    @Option(
            names = "--selectors",
            paramLabel = "N",
            description = "Event-loop threads for the listener. Default: ${DEFAULT-VALUE}.",
            defaultValue = "1")
    int selectors;

    @Option(
            names = "--max-connections-per-client",
            paramLabel = "N",
            converter = OrbitCommand.AtLeastOneConverter.class,
            description = "Open connections one client IP address may hold; more are closed at once. "
                    + "Default: ${DEFAULT-VALUE}.",
            defaultValue = "" + ProxyOptions.DEFAULT_MAX_CONNECTIONS_PER_CLIENT)
    int maxConnectionsPerClient;

    @Option(
            names = "--health-path",
            paramLabel = "PATH",
            description = "Probe backends with GET PATH (expecting 2xx/3xx) instead of a TCP connect.")
    Optional<String> healthPath;

    @Option(
            names = "--service",
            description = "Service name in logs and metrics. Default: ${DEFAULT-VALUE}.",
            defaultValue = "standalone")
    String service;

    @Option(
            names = {"-l", "--log-level"},
            description = "trace, debug, info, warning, error or critical. Default: $LOG_LVL, else ${DEFAULT-VALUE}.",
            defaultValue = "${env:LOG_LVL:-info}")
    String logLevel;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LogLevels.apply(logLevel);
        PrintWriter err = spec.commandLine().getErr();
        InetSocketAddress address = OrbitCommand.parseAddress(listen);
        ProxyOptions.LoadBalancing balancing = switch (loadBalancing) {
            case "p2c" -> ProxyOptions.LoadBalancing.P2C;
            case "round-robin", "rr" -> ProxyOptions.LoadBalancing.ROUND_ROBIN;
            default ->
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--lb must be p2c or round-robin, got '" + loadBalancing + "'");
        };
        ProxyOptions options = ProxyOptions.defaults()
                .withBindHost(address.getHostString())
                .withLoadBalancing(balancing)
                .withSelectorsPerListener(selectors)
                .withMaxConnectionsPerClient(maxConnectionsPerClient);
        RouteTable table = new RouteTable(1, Map.of(address.getPort(), route(address.getPort())));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ProxyServer proxy = new ProxyServer(options, registry);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        Thread.ofPlatform().name("orbit-proxy-shutdown").unstarted(() -> {
                            proxy.close();
                            stopped.countDown();
                        }));
        proxy.start();
        proxy.publish(table);
        ListenerState state = proxy.listeners().get(address.getPort());
        if (state == null || state.status() != ListenerState.Status.LISTENING) {
            err.println("orbit proxy: "
                    + (state == null ? "no listener" : state.problem().orElse("not listening")));
            err.flush();
            proxy.close();
            return 1;
        }
        stopped.await();
        return 0;
    }

    private Route route(int port) {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++) {
            InetSocketAddress backend = OrbitCommand.parseAddress(backends.get(i));
            list.add(new Backend(
                    "backend-" + i + ":" + backend.getPort(),
                    "backend-" + i,
                    backend.getHostString(),
                    backend.getPort()));
        }
        Route.HealthCheck check = healthPath
                .map(path -> new Route.HealthCheck(
                        Optional.of(path),
                        200,
                        399,
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(1),
                        3,
                        2))
                .orElse(Route.HealthCheck.DEFAULT_TCP);
        return new Route(service, port, port, list, check, Optional.empty());
    }
}
