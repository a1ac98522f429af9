package io.orbit.proxy;

import static io.orbit.proxy.TestBackend.FAST_TCP;
import static io.orbit.proxy.TestBackend.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orbit.engine.routing.Backend;
import io.orbit.engine.routing.Route;
import io.orbit.engine.routing.RouteTable;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scale from zero through the real proxy on loopback: a route that activates its service holds requests while no
 * backend is ready, tells the listener once, and sends them when a backend is published or passes its first check;
 * beyond its queue or its timeout it answers 503 with Retry-After; a client that leaves frees its place.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScaleFromZeroIT {

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String> nudges = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private ProxyServer proxy;
    private int port;
    private long version;

    @AfterEach
    void closeAll() throws Exception {
        TestBackend.closeAll(proxy, closeables);
        http.close();
    }

    private void startProxy(Route.Activation activation) throws Exception {
        port = TestBackend.freePort();
        proxy = new ProxyServer(ProxyOptions.defaults().withBindHost("127.0.0.1"), new SimpleMeterRegistry());
        proxy.activations(nudges::add);
        proxy.start();
        publish(activation, List.of());
    }

    private void publish(Route.Activation activation, List<Backend> backends) {
        proxy.publish(new RouteTable(
                ++version,
                Map.of(
                        port,
                        new Route("web", port, 80, backends, FAST_TCP, Optional.empty(), Optional.of(activation)))));
    }

    private TestBackend backend(String name) throws Exception {
        TestBackend backend = TestBackend.start(name);
        closeables.add(backend);
        return backend;
    }

    private CompletableFuture<HttpResponse<String>> getAsync() {
        return http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int pending() {
        var traffic = proxy.traffic().get("web");
        return traffic == null ? 0 : traffic.pending();
    }

    @Test
    void heldRequestsGoToTheFirstBackendThatPassesItsCheck() throws Exception {
        startProxy(new Route.Activation(100, Duration.ofSeconds(20)));
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            responses.add(getAsync());
        }
        await(() -> pending() == 5, "5 requests held");
        assertThat(nudges).as("one nudge for the activation").containsExactly("web");
        assertThat(responses).noneMatch(CompletableFuture::isDone);

        TestBackend a = backend("a");
        publish(new Route.Activation(100, Duration.ofSeconds(20)), List.of(a.asBackend())); // not verified: probed

        for (CompletableFuture<HttpResponse<String>> response : responses) {
            HttpResponse<String> done = response.get(10, TimeUnit.SECONDS);
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.body()).isEqualTo("a");
        }
        assertThat(a.requests.get()).isEqualTo(5);
        assertThat(pending()).isZero();
        assertThat(nudges).containsExactly("web");
    }

    @Test
    void aVerifiedBackendInAPublishReleasesTheHeldRequestsAtOnce() throws Exception {
        startProxy(new Route.Activation(100, Duration.ofSeconds(20)));
        CompletableFuture<HttpResponse<String>> response = getAsync();
        await(() -> pending() == 1, "the request held");
        TestBackend a = backend("a");
        Backend verified = new Backend("a:80", "a", "127.0.0.1", a.port(), true);

        long published = System.nanoTime();
        publish(new Route.Activation(100, Duration.ofSeconds(20)), List.of(verified));
        HttpResponse<String> done = response.get(10, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - published);

        assertThat(done.statusCode()).isEqualTo(200);
        System.out.printf("scale-from-zero proxy: publish to held response %d ms%n", millis);
        assertThat(millis).as("no wait for a health check interval").isLessThan(1_000);
    }

    @Test
    void beyondTheQueueTheProxyAnswers503WithRetryAfterAtOnce() throws Exception {
        startProxy(new Route.Activation(2, Duration.ofSeconds(20)));
        List<CompletableFuture<HttpResponse<String>>> held = List.of(getAsync(), getAsync());
        await(() -> pending() == 2, "2 requests held");

        long start = System.nanoTime();
        HttpResponse<String> refused = getAsync().get(10, TimeUnit.SECONDS);

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("activation_queue");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        assertThat(pending()).isEqualTo(2);
        assertThat(held).noneMatch(CompletableFuture::isDone);
    }

    @Test
    void pastTheActivationTimeoutTheProxyAnswers503WithRetryAfter() throws Exception {
        startProxy(new Route.Activation(100, Duration.ofMillis(500)));
        long start = System.nanoTime();

        HttpResponse<String> expired = getAsync().get(10, TimeUnit.SECONDS);

        assertThat(expired.statusCode()).isEqualTo(503);
        assertThat(expired.headers().firstValue("Retry-After")).isPresent();
        assertThat(expired.body()).contains("activation_timeout");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(500);
        await(() -> pending() == 0, "nothing held after the timeout");
    }

    @Test
    void aClientThatLeavesWhileHeldFreesItsPlaceAndItsRequestNeverReachesABackend() throws Exception {
        startProxy(new Route.Activation(100, Duration.ofSeconds(20)));
        try (Socket client = new Socket("127.0.0.1", port)) {
            OutputStream out = client.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: web\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await(() -> pending() == 1, "the request held");
        }
        await(() -> pending() == 0, "the request left the queue with its client");
        await(() -> proxy.connectionsPerPort().get(port) == 0, "the client connection closed");

        TestBackend a = backend("a");
        publish(new Route.Activation(100, Duration.ofSeconds(20)), List.of(a.asBackend()));
        TestBackend.awaitReady(proxy, "a:80");
        assertThat(a.requests.get()).isZero();
    }
}
