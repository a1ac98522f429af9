package io.orbit.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import io.orbit.daemon.Daemon;
import io.orbit.daemon.DaemonModule;
import io.orbit.daemon.DaemonOptions;
import io.orbit.engine.config.ReadPolicy;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.proxy.ProxyOptions;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.http.EngineHttpClient;
import io.orbit.runtime.http.EngineResponse;
import io.orbit.runtime.http.EngineSocketDiscovery;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import io.orbit.testkit.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The daemon in this JVM: the production modules (engine, API, metrics) with the in-memory runtime bound in place of
 * an engine, started through its real lifecycle. The API listens on a free loopback port and on a control socket in
 * a temporary directory, so tests talk to it as the CLI does.
 */
public final class InProcessDaemon implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code web}: two to four pods of one container that prints a line on stdout and one on stderr. */
    public static final String WEB = """
            name: web
            instance_count:
              min: 2
              max: 4
            spec:
              containers:
                - name: main
                  image: localhost/orbit-fixture:latest
                  command: ["sh", "-c", "echo hello from web; echo warming up >&2; sleep 3600"]
            """;

    public final Path configDirectory;
    public final Path socket;
    public final InMemoryContainerRuntime runtime;
    private final Injector injector;
    private final Daemon daemon;
    private final EngineHttpClient unix;
    private final HttpClient tcp = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private InProcessDaemon(
            Path configDirectory, Path socket, InMemoryContainerRuntime runtime, Injector injector, Daemon daemon) {
        this.configDirectory = configDirectory;
        this.socket = socket;
        this.runtime = runtime;
        this.injector = injector;
        this.daemon = daemon;
        this.unix = EngineHttpClient.open(socket, "the in-process daemon");
    }

    /** A daemon on {@code work}/services holding {@link #WEB}. */
    public static InProcessDaemon start(Path work, Optional<Path> tokenFile) throws Exception {
        Path services = Files.createDirectories(work.resolve("services"));
        Files.writeString(services.resolve("web.yml"), WEB);
        return start(work, services, work.resolve("run/orbit.sock"), tokenFile);
    }

    public static InProcessDaemon start(Path work, Path services, Path socket, Optional<Path> tokenFile)
            throws Exception {
        return start(work, services, socket, tokenFile, List.of(), false);
    }

    /** A daemon on {@code work}/services holding {@link #WEB}, with {@code --api-local-users}. */
    public static InProcessDaemon startWithLocalUsers(Path work, Optional<Path> tokenFile) throws Exception {
        Path services = Files.createDirectories(work.resolve("services"));
        Files.writeString(services.resolve("web.yml"), WEB);
        return start(work, services, work.resolve("run/orbit.sock"), tokenFile, List.of(), true);
    }

    /** A daemon on {@code work}/services holding {@link #WEB}, answering the TCP API to these hosts too. */
    public static InProcessDaemon startAllowingHosts(Path work, Optional<Path> tokenFile, List<String> allowedHosts)
            throws Exception {
        Path services = Files.createDirectories(work.resolve("services"));
        Files.writeString(services.resolve("web.yml"), WEB);
        return start(work, services, work.resolve("run/orbit.sock"), tokenFile, allowedHosts, false);
    }

    private static InProcessDaemon start(
            Path work,
            Path services,
            Path socket,
            Optional<Path> tokenFile,
            List<String> allowedHosts,
            boolean localUsers)
            throws Exception {
        DaemonOptions options = new DaemonOptions(
                services,
                DaemonOptions.Runtime.podman,
                Optional.empty(),
                "warning",
                work.resolve("volumes"),
                InetSocketAddress.createUnresolved("127.0.0.1", 0),
                DaemonOptions.OnExit.keep,
                "test-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()),
                Optional.of(socket),
                Optional.empty(),
                tokenFile,
                allowedHosts,
                "127.0.0.1",
                DaemonOptions.DEFAULT_DRAIN_TIMEOUT,
                ProxyOptions.DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
                new DaemonOptions.Hardening(
                        false, ReadPolicy.DEFAULT_MAX_FILE_BYTES, work.resolve("state"), localUsers),
                DaemonOptions.DEFAULT_PULL_TIMEOUT);
        InMemoryContainerRuntime runtime = InMemoryContainerRuntime.withFixtureImage();
        Injector injector = Guice.createInjector(Stage.PRODUCTION, DaemonModule.modules(options, binder -> {
            binder.bind(ContainerRuntime.class).toInstance(runtime);
            binder.bind(EngineSocketDiscovery.Discovered.class)
                    .toInstance(new EngineSocketDiscovery.Discovered(Path.of("/in-memory"), "test", List.of()));
        }));
        Daemon daemon = injector.getInstance(Daemon.class);
        try {
            daemon.start();
        } catch (Exception e) {
            runtime.close();
            throw e;
        }
        return new InProcessDaemon(services, socket, runtime, injector, daemon);
    }

    public int port() {
        return injector.getInstance(ApiServer.class).port();
    }

    /** The parts of the daemon's one lifecycle, in start order. */
    public List<String> lifecyclePartNames() {
        return daemon.lifecycle().partNames();
    }

    <T> T instance(Class<T> type) {
        return injector.getInstance(type);
    }

    /** A request over TCP, as any HTTP client sends it. */
    public HttpResponse<String> tcp(String method, String path, @Nullable String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(20))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return tcp.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A request over the control socket, as the CLI sends it (this JVM runs as root or as the daemon's user). */
    public EngineResponse socket(String method, String path, @Nullable Object jsonBody) {
        return unix.call(method, path, jsonBody, Duration.ofSeconds(20));
    }

    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** The running containers of a service in the in-memory engine. */
    public List<ContainerSummary> running(String service) {
        return runtime.listContainers(OrbitLabels.service(service)).stream()
                .filter(container -> container.state().isRunning())
                .toList();
    }

    /** {@link Poll#until} for the in-memory engine: it answers at once, so polls are quick and the deadline short. */
    public static <T> T await(String what, Supplier<T> probe, Predicate<T> done) throws InterruptedException {
        return Poll.until(what, Duration.ofSeconds(10), Duration.ofMillis(20), probe::get, done, () -> "");
    }

    static Map<String, Object> replicas(int count) {
        return Map.of("replicas", count);
    }

    @Override
    public void close() {
        unix.close();
        tcp.close();
        daemon.stop().ifPresent(failure -> {
            throw new AssertionError("the in-process daemon did not stop cleanly", failure);
        });
        runtime.close();
    }
}
