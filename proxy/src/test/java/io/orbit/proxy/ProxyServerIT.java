package io.orbit.proxy;

import static io.orbit.proxy.TestBackend.FAST_TCP;
import static io.orbit.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.UnixOperatingSystemMXBean;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orbit.engine.routing.Backend;
import io.orbit.engine.routing.Route;
import io.orbit.engine.routing.RouteTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The proxy between real loopback backends and real clients; every test bounds its own traffic and time. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyServerIT {

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private ProxyServer proxy;
    private int port;

    @AfterEach
    void closeAll() throws Exception {
        TestBackend.closeAll(proxy, closeables);
        http.close();
    }

    private TestBackend backend(String name) throws Exception {
        TestBackend backend = TestBackend.start(name);
        closeables.add(backend);
        return backend;
    }

    private static Backend route(TestBackend backend) {
        return backend.asBackend();
    }

    private void startProxy(ProxyOptions options, Route.HealthCheck check, List<Backend> backends) throws Exception {
        port = TestBackend.freePort();
        proxy = new ProxyServer(options.withBindHost("127.0.0.1"), registry);
        proxy.start();
        publish(1, check, backends, Optional.empty());
    }

    private void publish(
            long version, Route.HealthCheck check, List<Backend> backends, Optional<Route.Shedding> shedding) {
        proxy.publish(new RouteTable(version, Map.of(port, new Route("web", port, 80, backends, check, shedding))));
    }

    private static ProxyOptions testOptions() {
        return ProxyOptions.defaults()
                .withTimeouts(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(5));
    }

    private void awaitReady(String... backendIds) {
        for (String id : backendIds) {
            TestBackend.awaitReady(proxy, id);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void proxiesRequestsWithForwardingHeadersAndCountsThem() throws Exception {
        TestBackend a = backend("a");
        startProxy(testOptions(), FAST_TCP, List.of(route(a)));
        awaitReady("a:80");
        HttpResponse<String> response = get("/hello?x=1");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("a");
        assertThat(response.headers().firstValue("X-Backend")).contains("a");
        assertThat(proxy.listeners().get(port).status()).isEqualTo(ListenerState.Status.LISTENING);
        await(() -> registry.get("orbit.requests").counter().count() == 1, "the response counted");
        assertThat(registry.get("orbit.service.requests")
                        .tags("service", "web", "node_port", Integer.toString(port), "status", "200")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("orbit.backend.inflight")
                        .tag("backend", "a:80")
                        .gauge()
                        .value())
                .isZero();
    }

    @Test
    void noFailedGetUnderLoadWhileOneOfThreeBackendsIsKilled() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        TestBackend c = backend("c");
        startProxy(testOptions(), FAST_TCP, List.of(route(a), route(b), route(c)));
        awaitReady("a:80", "b:80", "c:80");
        AtomicInteger sent = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            workers.add(clients.submit(() -> {
                while (sent.incrementAndGet() <= 4000) {
                    try {
                        HttpResponse<String> response = get("/");
                        if (response.statusCode() != 200) {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    } catch (IOException | InterruptedException e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        await(() -> sent.get() > 1000, "1000 requests");
        b.kill();
        for (Future<?> worker : workers) {
            worker.get(50, TimeUnit.SECONDS);
        }
        clients.shutdown();
        assertThat(failures).isEmpty();
        assertThat(b.requests.get()).isPositive();
        assertThat(a.requests.get() + c.requests.get()).isGreaterThan(2000);
    }

    /**
     * Twenty backends killed under load, each answering {@code Connection: close} so that the proxy opens a new
     * connection for every request and a kill lands on connects in flight: not one GET fails or waits out a timeout
     * (the first-byte timeout is 60 s, the client's 10 s). This is also the check that {@link TestBackend#kill} dies
     * like a process: with a blocking acceptor thread it left a connection open with the request unread in about one
     * round of five.
     */
    @Test
    void aBackendKilledAsTheProxyConnectsCostsNoGet() throws Exception {
        TestBackend a = backend("a");
        ProxyOptions options = ProxyOptions.defaults()
                .withTimeouts(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(60),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(60));
        startProxy(options, FAST_TCP, List.of(route(a)));
        awaitReady("a:80");
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int round = 0; round < 20; round++) {
            TestBackend victim = backend("v" + round);
            victim.closeAfterResponse = true;
            publish(round + 2, FAST_TCP, List.of(route(a), route(victim)), Optional.empty());
            awaitReady("v" + round + ":80");
            killUnderLoad(victim, 5 + (round % 5) * 5, failures);
        }
        assertThat(failures).isEmpty();
    }

    /** Four clients send GETs; the victim dies after {@code killAfter} of them; each client sends ten more. */
    private void killUnderLoad(TestBackend victim, int killAfter, List<String> failures) throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            workers.add(clients.submit(() -> {
                int afterKill = 0;
                while (afterKill < 10) {
                    boolean wasKilled = killed.get();
                    try {
                        HttpResponse<String> response = get("/");
                        if (response.statusCode() != 200) {
                            failures.add(victim.name + ": " + response.statusCode() + " " + response.body());
                        }
                    } catch (IOException | InterruptedException e) {
                        failures.add(victim.name + ": " + e);
                    }
                    if (wasKilled) {
                        afterKill++;
                    }
                }
            }));
        }
        await(() -> victim.requests.get() >= killAfter, killAfter + " requests on " + victim.name);
        victim.kill();
        killed.set(true);
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        clients.shutdown();
    }

    @Test
    void aNewBackendGetsTrafficOnlyAfterItsFirstPassingHealthCheck() throws Exception {
        TestBackend a = backend("a");
        TestBackend late = backend("late");
        late.healthStatus = 503;
        Route.HealthCheck http = new Route.HealthCheck(
                Optional.of("/health"),
                200,
                299,
                Duration.ofMillis(200),
                Duration.ofMillis(50),
                Duration.ofMillis(500),
                2,
                1);
        startProxy(testOptions(), http, List.of(route(a)));
        awaitReady("a:80");
        publish(2, http, List.of(route(a), route(late)), Optional.empty());
        for (int i = 0; i < 50; i++) {
            assertThat(get("/").body()).isEqualTo("a");
        }
        assertThat(late.requests.get()).isZero();
        late.healthStatus = 200;
        awaitReady("late:80");
        for (int i = 0; i < 50; i++) {
            assertThat(get("/").statusCode()).isEqualTo(200);
        }
        assertThat(late.requests.get()).isPositive();
    }

    @Test
    void drainWaitsForInFlightRequestsAndLosesNone() throws Exception {
        TestBackend slow = backend("slow");
        TestBackend other = backend("other");
        slow.delay = Duration.ofMillis(400);
        startProxy(
                testOptions().withLoadBalancing(ProxyOptions.LoadBalancing.ROUND_ROBIN),
                FAST_TCP,
                List.of(route(slow), route(other)));
        awaitReady("slow:80", "other:80");
        ExecutorService clients = Executors.newFixedThreadPool(10);
        List<Future<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            inFlight.add(clients.submit(() -> get("/")));
        }
        await(() -> proxy.backend("slow:80").orElseThrow().inFlight() > 0, "requests in flight on the slow backend");
        long started = System.nanoTime();
        proxy.drain(Set.of("slow:80"), Duration.ofSeconds(5));
        assertThat(proxy.backend("slow:80").orElseThrow().inFlight()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        for (Future<HttpResponse<String>> response : inFlight) {
            assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        int slowBefore = slow.requests.get();
        for (int i = 0; i < 20; i++) {
            assertThat(get("/").body()).isEqualTo("other");
        }
        assertThat(slow.requests.get()).isEqualTo(slowBefore);
        clients.shutdown();
    }

    @Test
    void answers503WithRetryAfterWhenNoBackendIsReady() throws Exception {
        int closedPort = TestBackend.freePort();
        startProxy(testOptions(), FAST_TCP, List.of(new Backend("gone:80", "gone", "127.0.0.1", closedPort)));
        HttpResponse<String> response = get("/");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        assertThat(response.body()).contains("no ready backend for service 'web'");
        // Counted once the response is written, which the client may see first.
        await(
                () -> {
                    var counter = registry.find("orbit.service.requests")
                            .tag("status", "503")
                            .counter();
                    return counter != null && counter.count() == 1;
                },
                "the 503 counted");
    }

    @Test
    void aConnectFailureIsRetriedOnAnotherBackend() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        startProxy(
                testOptions().withLoadBalancing(ProxyOptions.LoadBalancing.ROUND_ROBIN),
                FAST_TCP,
                List.of(route(a), route(b)));
        awaitReady("a:80", "b:80");
        a.kill();
        // Until the health check notices, half the picks land on the dead backend: each must be retried on b.
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = get("/");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("b");
        }
    }

    /**
     * One request may meet two failures at once on a host where a pod was just killed and another is being removed: a
     * failed connect (nothing sent) moves on to the next backend not yet tried, and the one re-send allowed is left for
     * the backend that took the request and dropped it. With one retry in all this was a 502 (CI, 1 in 1,500 GETs).
     */
    @Test
    void aGetThatMeetsADeadBackendAndOneThatDropsItIsServedByTheThird() throws Exception {
        TestBackend dead = backend("dead");
        TestBackend healthy = backend("healthy");
        try (ServerSocket dropper = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread dropping = TestBackend.serveEach(dropper, socket -> {
                socket.setSoTimeout(2000);
                socket.getInputStream().read(); // a health probe goes at once; a request is read, then dropped
            });
            startProxy(
                    testOptions().withLoadBalancing(ProxyOptions.LoadBalancing.ROUND_ROBIN),
                    FAST_TCP,
                    List.of(
                            route(dead),
                            new Backend("dropper:80", "dropper", "127.0.0.1", dropper.getLocalPort()),
                            route(healthy)));
            awaitReady("dead:80", "dropper:80", "healthy:80");
            dead.kill();
            // Round robin walks the three in turn: every request meets the dead one and the dropper first (four
            // requests: two retries each stay within the retry budget's initial balance of ten).
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> response = get("/");
                assertThat(response.statusCode())
                        .as("request %d: %s", i, response.body())
                        .isEqualTo(200);
                assertThat(response.body()).isEqualTo("healthy");
            }
            dropper.close();
            dropping.join(5000);
        }
    }

    /**
     * A backend killed between writing its response head and its body (the demo image's busybox httpd writes them in
     * two calls) left the proxy with a head it had not yet sent: the client had seen nothing, yet the GET became a 502
     * (CI, 1 in 1,500 GETs through a SIGKILL). Now an idempotent request is retried on another backend; a POST that was
     * sent is not.
     */
    @Test
    void aGetWhoseBackendDiedAfterTheResponseHeadIsServedByAnother() throws Exception {
        TestBackend healthy = backend("healthy");
        try (ServerSocket headOnly = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger heads = new AtomicInteger();
            Thread answering = TestBackend.serveEach(headOnly, socket -> answerHeadOnly(socket, heads));
            startProxy(
                    testOptions().withLoadBalancing(ProxyOptions.LoadBalancing.ROUND_ROBIN),
                    FAST_TCP,
                    List.of(
                            new Backend("head-only:80", "head-only", "127.0.0.1", headOnly.getLocalPort()),
                            route(healthy)));
            awaitReady("head-only:80", "healthy:80");
            // Round robin alternates: two GETs and two POSTs each meet the head-only backend once.
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> response = get("/");
                assertThat(response.statusCode())
                        .as("GET %d: %s", i, response.body())
                        .isEqualTo(200);
                assertThat(response.body()).isEqualTo("healthy");
            }
            assertThat(heads.get())
                    .as("GETs the head-only backend answered in part")
                    .isPositive();
            int headsBeforePosts = heads.get();
            List<Integer> postStatuses = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                postStatuses.add(http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                                        .POST(HttpRequest.BodyPublishers.ofString("small"))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode());
            }
            int postsCutShort = heads.get() - headsBeforePosts;
            assertThat(postsCutShort)
                    .as("POSTs the head-only backend answered in part")
                    .isPositive();
            assertThat(postStatuses)
                    .as("a POST that was sent is never repeated")
                    .contains(502);
            assertThat(postStatuses.stream().filter(status -> status == 502).count())
                    .isEqualTo(postsCutShort);
            assertThat(healthy.posts.get()).isEqualTo(2 - postsCutShort);
            headOnly.close();
            answering.join(5000);
        }
    }

    /** Reads a request (head and a declared body) and answers only a response head; the connection then closes. */
    private static void answerHeadOnly(Socket socket, AtomicInteger heads) throws IOException {
        socket.setSoTimeout(2000);
        InputStream in = socket.getInputStream();
        String head = RawHttp.readHead(in);
        if (!head.endsWith("\r\n\r\n")) {
            return; // a health probe connects and goes
        }
        java.util.regex.Matcher length =
                java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
        OutputStream out = socket.getOutputStream();
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        heads.incrementAndGet();
    }

    @Test
    void aPostWhoseBodyWasStreamedIsNeverRetried() throws Exception {
        TestBackend healthy = backend("healthy");
        try (ServerSocket dropper = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            // Health probes connect and go; a request is read in part, then the connection drops.
            Thread dropping = TestBackend.serveEach(
                    dropper, socket -> socket.getInputStream().readNBytes(64 * 1024));
            startProxy(
                    testOptions().withLoadBalancing(ProxyOptions.LoadBalancing.ROUND_ROBIN),
                    FAST_TCP,
                    List.of(new Backend("dropper:80", "dropper", "127.0.0.1", dropper.getLocalPort()), route(healthy)));
            awaitReady("dropper:80", "healthy:80");
            byte[] body = new byte[512 * 1024];
            java.util.Arrays.fill(body, (byte) 'x');
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(healthy.posts.get()).isZero();
            dropper.close();
            dropping.join(5000);
        }
    }

    @Test
    void webSocketEchoesThroughTheProxy() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            TestBackend.serveUpgrades(echo);
            startProxy(testOptions(), FAST_TCP, List.of(new Backend("ws:80", "ws", "127.0.0.1", echo.getLocalPort())));
            awaitReady("ws:80");
            try (Socket client = new Socket("127.0.0.1", port)) {
                client.setSoTimeout(5000);
                OutputStream out = client.getOutputStream();
                out.write(("GET /chat HTTP/1.1\r\nHost: example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = client.getInputStream();
                String head = RawHttp.readHead(in);
                assertThat(head)
                        .startsWith("HTTP/1.1 101 ")
                        .contains("Upgrade: websocket")
                        .contains("Connection: Upgrade");
                // A masked text frame "hello" (RFC 6455 §5.7); the backend echoes the bytes back.
                byte[] frame = {
                    (byte) 0x81, (byte) 0x85, 0x37, (byte) 0xfa, 0x21, 0x3d, 0x7f, (byte) 0x9f, 0x4d, 0x51, 0x58
                };
                for (int round = 0; round < 3; round++) {
                    out.write(frame);
                    out.flush();
                    assertThat(in.readNBytes(frame.length)).isEqualTo(frame);
                }
                assertThat(proxy.backend("ws:80").orElseThrow().upgraded()).isEqualTo(1);
                assertThat(proxy.backend("ws:80").orElseThrow().inFlight()).isZero();
            }
        }
    }

    @Test
    void aSlowlorisClientDoesNotBlockOthersAndIsCutOff() throws Exception {
        TestBackend a = backend("a");
        startProxy(testOptions(), FAST_TCP, List.of(route(a)));
        awaitReady("a:80");
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.getOutputStream()
                        .write("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
                slow.add(socket);
            }
            long started = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                assertThat(get("/").statusCode()).isEqualTo(200);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            // Keep trickling past the 500 ms head timeout: the proxy answers 408 and closes.
            Socket first = slow.get(0);
            first.setSoTimeout(5000);
            String answer = "";
            for (int i = 0; i < 20 && answer.isEmpty(); i++) {
                Thread.sleep(100);
                try {
                    first.getOutputStream().write('a');
                } catch (IOException closed) {
                    break;
                }
                if (first.getInputStream().available() > 0) {
                    answer = new String(
                            first.getInputStream()
                                    .readNBytes(first.getInputStream().available()),
                            StandardCharsets.ISO_8859_1);
                }
            }
            if (answer.isEmpty()) {
                answer = new String(first.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            assertThat(answer).startsWith("HTTP/1.1 408 ");
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void thousandsOfSilentConnectionsStarveNoClientAndCloseAfterTheHeadTimeout() throws Exception {
        Duration clientIdle = Duration.ofSeconds(30);
        Duration headTimeout = Duration.ofSeconds(5);
        TestBackend a = backend("a");
        startProxy(
                ProxyOptions.defaults()
                        .withTimeouts(
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(5),
                                clientIdle,
                                headTimeout,
                                Duration.ofSeconds(5))
                        // Every connection here comes from 127.0.0.1: lift the per-client limit (512 by default).
                        .withMaxConnectionsPerClient(ProxyOptions.DEFAULT_MAX_CONNECTIONS_PER_LISTENER),
                FAST_TCP,
                List.of(route(a)));
        awaitReady("a:80");
        int silentCount = silentConnectionBudget(3_000);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        List<SocketChannel> silent = new ArrayList<>(silentCount);
        try (Socket talker = new Socket(address.getAddress(), port);
                Selector selector = Selector.open()) {
            // A keep-alive client that has sent a request keeps the client idle timeout, not the head timeout.
            talker.setSoTimeout(10_000);
            assertThat(rawGet(talker)).startsWith("HTTP/1.1 200 ");
            for (int i = 0; i < silentCount; i++) {
                SocketChannel channel = SocketChannel.open(address);
                silent.add(channel);
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ, System.nanoTime());
            }
            await(
                    () -> proxy.connectionsPerPort().get(port) == silentCount + 1,
                    silentCount + " silent connections held");

            // Others are served while every silent connection is held: each GET bounded by its 10 s timeout.
            for (int i = 0; i < 20; i++) {
                assertThat(get("/").statusCode()).isEqualTo(200);
            }
            try (Socket fresh = new Socket(address.getAddress(), port)) {
                fresh.setSoTimeout(10_000);
                assertThat(rawGet(fresh)).startsWith("HTTP/1.1 200 ");
            }

            // Each silent connection is closed by the proxy (EOF, no bytes) once the head timeout has passed since
            // it was opened — not before, and not only after the 30 s client idle timeout.
            ByteBuffer buffer = ByteBuffer.allocate(256);
            long deadline = System.nanoTime() + headTimeout.plusSeconds(20).toNanos();
            long earliest = Long.MAX_VALUE;
            long latest = 0;
            int closed = 0;
            int bytesReceived = 0;
            while (closed < silentCount && System.nanoTime() < deadline) {
                selector.select(500);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    int read;
                    try {
                        read = channel.read(buffer.clear());
                    } catch (IOException reset) {
                        read = -1;
                    }
                    if (read > 0) {
                        bytesReceived += read;
                    } else if (read < 0) {
                        long lived = System.nanoTime() - (Long) key.attachment();
                        earliest = Math.min(earliest, lived);
                        latest = Math.max(latest, lived);
                        closed++;
                        key.cancel();
                        channel.close();
                    }
                }
                selector.selectedKeys().clear();
            }
            assertThat(closed).as("silent connections closed by the proxy").isEqualTo(silentCount);
            assertThat(bytesReceived).as("bytes sent to silent connections").isZero();
            // Not before the head timeout (less 100 ms: the proxy's idle clock starts at accept, ours after connect).
            assertThat(Duration.ofNanos(earliest)).isGreaterThan(headTimeout.minusMillis(100));
            assertThat(Duration.ofNanos(latest)).isLessThan(clientIdle);
            System.out.printf(
                    "%d silent connections closed %d..%d ms after opening%n",
                    silentCount, earliest / 1_000_000, latest / 1_000_000);

            assertThat(rawGet(talker))
                    .as("the talker, idle for longer than the head timeout")
                    .startsWith("HTTP/1.1 200 ");
            await(() -> proxy.connectionsPerPort().get(port) < 10, "silent connections released");
        } finally {
            for (SocketChannel channel : silent) {
                channel.close();
            }
        }
    }

    /** Up to {@code wanted}, as many connections as this JVM's descriptor limit allows: each costs two descriptors. */
    private static int silentConnectionBudget(int wanted) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long spare = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - 512;
            int budget = (int) Math.max(100, Math.min(wanted, spare / 2));
            if (budget < wanted) {
                System.out.printf(
                        "descriptor limit %d: %d silent connections instead of %d%n",
                        unix.getMaxFileDescriptorCount(), budget, wanted);
            }
            return budget;
        }
        return wanted;
    }

    /** One keep-alive GET on a raw socket; returns the head and the one-byte body of TestBackend. */
    private static String rawGet(Socket socket) throws IOException {
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char) b);
        }
        String lengthLine = head.toString()
                .lines()
                .filter(line -> line.regionMatches(true, 0, "Content-Length:", 0, 15))
                .findFirst()
                .orElseThrow(() -> new IOException("no Content-Length in " + head));
        int length = Integer.parseInt(lengthLine.substring(15).trim());
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aHeadLargerThanTheLimitIsRefusedWith431() throws Exception {
        TestBackend a = backend("a");
        startProxy(testOptions(), FAST_TCP, List.of(route(a)));
        awaitReady("a:80");
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .header("X-Big", "y".repeat(10_000))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(431);
        assertThat(a.requests.get()).isZero();
    }

    @Test
    void aPortInUseIsReportedNotSilent() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            proxy = new ProxyServer(testOptions().withBindHost("127.0.0.1"), registry);
            proxy.start();
            port = taken.getLocalPort();
            publish(1, FAST_TCP, List.of(), Optional.empty());
            ListenerState state = proxy.listeners().get(port);
            assertThat(state.status()).isEqualTo(ListenerState.Status.FAILED);
            assertThat(state.problem().orElseThrow())
                    .contains(Integer.toString(port))
                    .contains("node_port");
        }
    }

    @Test
    void aDeletedServiceReleasesItsPort() throws Exception {
        TestBackend a = backend("a");
        startProxy(testOptions(), FAST_TCP, List.of(route(a)));
        awaitReady("a:80");
        assertThat(get("/").statusCode()).isEqualTo(200);
        proxy.publish(new RouteTable(2, Map.of()));
        assertThat(proxy.listeners()).isEmpty();
        try (ServerSocket reuse = new ServerSocket(port, 50, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(reuse.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aRequestStuckConnectingToABackendThatMovesIsServedAtTheNewAddress() throws Exception {
        TestBackend a = backend("a");
        try (ServerSocket hanging = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            // Accepts (for the health check) until told to stop; then a full accept queue makes connects hang, as a
            // connect to the IP of a container that just died hangs in ARP.
            hanging.setSoTimeout(20);
            java.util.concurrent.atomic.AtomicBoolean accepting = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (accepting.get()) {
                    try {
                        hanging.accept().close();
                    } catch (IOException timeoutOrClosed) {
                        // poll the flag again
                    }
                }
            });
            port = TestBackend.freePort();
            proxy = new ProxyServer(
                    ProxyOptions.defaults()
                            .withBindHost("127.0.0.1")
                            .withTimeouts(
                                    Duration.ofSeconds(30),
                                    Duration.ofSeconds(5),
                                    Duration.ofSeconds(30),
                                    Duration.ofSeconds(5),
                                    Duration.ofSeconds(30)),
                    registry);
            proxy.start();
            Backend moving = new Backend("x:80", "x", "127.0.0.1", hanging.getLocalPort());
            proxy.publish(new RouteTable(
                    1, Map.of(port, new Route("web", port, 80, List.of(moving), FAST_TCP, Optional.empty()))));
            awaitReady("x:80");
            accepting.set(false);
            acceptor.join();
            List<Socket> backlog = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket filler = new Socket();
                try {
                    filler.connect(hanging.getLocalSocketAddress(), 200);
                } catch (IOException queueFull) {
                    // the queue is full: connects now hang
                }
                backlog.add(filler);
            }
            java.util.concurrent.CompletableFuture<HttpResponse<String>> stuck = http.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            await(
                    () -> proxy.backend("x:80").map(b -> b.inFlight() == 1).orElse(false),
                    "the request connecting to the hanging address");

            Backend moved = new Backend("x:80", "x", "127.0.0.1", a.port(), true);
            proxy.publish(new RouteTable(
                    2, Map.of(port, new Route("web", port, 80, List.of(moved), FAST_TCP, Optional.empty()))));

            HttpResponse<String> response = stuck.get(15, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("a");
            for (Socket filler : backlog) {
                filler.close();
            }
        }
    }

    @Test
    void removingOneServicesListenerLeavesTheOthersServing() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        startProxy(testOptions(), FAST_TCP, List.of(route(a)));
        int other = TestBackend.freePort();
        Route web = new Route("web", port, 80, List.of(route(a)), FAST_TCP, Optional.empty());
        Route api = new Route("api", other, 80, List.of(route(b)), FAST_TCP, Optional.empty());
        proxy.publish(new RouteTable(2, Map.of(port, web, other, api)));
        awaitReady("a:80", "b:80");

        proxy.publish(new RouteTable(3, Map.of(other, api)));
        assertThat(proxy.threadPoolRunning())
                .as("the shared pool survives a listener's teardown")
                .isTrue();
        proxy.publish(new RouteTable(4, Map.of(other, api, port, web)));
        awaitReady("a:80");

        for (int i = 0; i < 20; i++) {
            assertThat(get("/").statusCode()).as("the re-added listener serves").isEqualTo(200);
        }
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other + "/"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).as("the listener that stayed serves").isEqualTo("b");
    }

    @Test
    void shedsWithTheConfiguredStatusWhileLatencyStaysAboveTarget() throws Exception {
        TestBackend slow = backend("slow");
        slow.delay = Duration.ofMillis(30);
        port = TestBackend.freePort();
        proxy = new ProxyServer(testOptions().withBindHost("127.0.0.1"), registry);
        proxy.start();
        publish(
                1,
                FAST_TCP,
                List.of(route(slow)),
                Optional.of(new Route.Shedding(Duration.ofMillis(5), Duration.ofMillis(300), 429)));
        awaitReady("slow:80");
        ExecutorService clients = Executors.newFixedThreadPool(4);
        AtomicInteger shed = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            workers.add(clients.submit(() -> {
                for (int i = 0; i < 40; i++) {
                    HttpResponse<String> response = get("/");
                    if (response.statusCode() == 429) {
                        shed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();
        assertThat(shed.get()).isPositive();
    }

    @Test
    void streamsChunkedBodiesBothWays() throws Exception {
        TestBackend a = backend("a");
        startProxy(testOptions(), FAST_TCP, List.of(route(a)));
        awaitReady("a:80");
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(5000);
            OutputStream out = client.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = client.getInputStream();
            String head = RawHttp.readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200 ").contains("X-Backend: a");
            assertThat(head.toLowerCase(java.util.Locale.ROOT)).doesNotContain("keep-alive");
            String body = head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")
                    ? readChunked(in)
                    : new String(in.readNBytes(contentLength(head)), StandardCharsets.ISO_8859_1);
            assertThat(body).isEqualTo("a:11");
            // The connection stays usable: a pipelined pair on it.
            out.write("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String first = RawHttp.readHead(in);
            assertThat(new String(in.readNBytes(contentLength(first)), StandardCharsets.ISO_8859_1))
                    .isEqualTo("a");
            String second = RawHttp.readHead(in);
            assertThat(second).contains("Connection: close");
            assertThat(new String(in.readNBytes(contentLength(second)), StandardCharsets.ISO_8859_1))
                    .isEqualTo("a");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        throw new AssertionError("no Content-Length in " + head);
    }

    private static String readChunked(InputStream in) throws IOException {
        StringBuilder body = new StringBuilder();
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.trim(), 16);
            if (size == 0) {
                readLine(in);
                return body.toString();
            }
            body.append(new String(in.readNBytes(size), StandardCharsets.ISO_8859_1));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Test
    void anHttp10ClientGetsItsResponseAndTheConnectionCloses() throws Exception {
        TestBackend a = backend("a");
        startProxy(testOptions(), FAST_TCP, List.of(route(a)));
        awaitReady("a:80");
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(5000);
            client.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\na");
        }
    }

    @Test
    void aSilentBackendGives504AfterTheFirstByteTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        accepted.add(silent.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            port = TestBackend.freePort();
            proxy = new ProxyServer(
                    ProxyOptions.defaults()
                            .withBindHost("127.0.0.1")
                            .withTimeouts(
                                    Duration.ofSeconds(1),
                                    Duration.ofMillis(300),
                                    Duration.ofSeconds(5),
                                    Duration.ofSeconds(5),
                                    Duration.ofMillis(300)),
                    registry);
            proxy.start();
            publish(
                    1,
                    FAST_TCP,
                    List.of(new Backend("silent:80", "silent", "127.0.0.1", silent.getLocalPort())),
                    Optional.empty());
            awaitReady("silent:80");
            long started = System.nanoTime();
            HttpResponse<String> response = get("/");
            assertThat(response.statusCode()).isEqualTo(504);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void aStalePooledConnectionIsRetriedForAGet() throws Exception {
        TestBackend a = backend("a");
        startProxy(testOptions(), FAST_TCP, List.of(route(a)));
        awaitReady("a:80");
        assertThat(get("/").statusCode()).isEqualTo(200);
        // Restart the backend on the same port: the proxy's pooled connection to it is now dead.
        int backendPort = a.port();
        a.kill();
        TestBackend again = TestBackend.start("a", backendPort);
        closeables.add(again);
        for (int i = 0; i < 5; i++) {
            assertThat(get("/").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void relaysInterimResponsesAndChunkedStreams() throws Exception {
        TestBackend a = backend("a");
        startProxy(testOptions(), FAST_TCP, List.of(route(a)));
        awaitReady("a:80");
        HttpResponse<String> posted = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                        .expectContinue(true)
                        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(posted.body()).isEqualTo("a:100000");
        HttpResponse<String> streamed = get("/stream");
        assertThat(streamed.body()).isEqualTo("part1-part2");
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(5000);
            client.getOutputStream().write("GET /stream HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response)
                    .startsWith("HTTP/1.1 200 ")
                    .doesNotContain("chunked")
                    .endsWith("\r\n\r\npart1-part2");
        }
    }
}
