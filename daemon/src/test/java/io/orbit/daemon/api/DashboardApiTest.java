package io.orbit.daemon.api;

import static io.orbit.daemon.api.InProcessDaemon.await;
import static io.orbit.daemon.api.InProcessDaemon.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's routes on the real API (in-memory engine): the page and its files, the page weight, the session
 * check that enables the buttons, the journal's wording for changes from the page, and the Server-Sent Events stream.
 */
class DashboardApiTest {

    private static final List<String> FILES =
            List.of("index.html", "app.js", "app.css", "favicon.svg", "uPlot.min.js", "uPlot.min.css");
    /** The bound for everything the page loads, compressed. */
    private static final int PAGE_WEIGHT_LIMIT = 200 * 1024;

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private HttpResponse<byte[]> get(InProcessDaemon daemon, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void thePageIsServedAtTheRootAndUnderUiWithAStrictSecurityPolicy() throws Exception {
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty())) {
            for (String path : List.of("/", "/ui", "/ui/", "/ui/index.html")) {
                HttpResponse<byte[]> page = get(daemon, path);
                assertThat(page.statusCode()).as(path).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
                assertThat(new String(page.body(), StandardCharsets.UTF_8)).contains("<title>Orbit dashboard</title>");
                assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                        .contains("script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                        .doesNotContain("unsafe-eval");
                assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            }
            assertThat(get(daemon, "/ui/app.js").headers().firstValue("Content-Type"))
                    .hasValue("text/javascript; charset=utf-8");
        }
    }

    @Test
    void everyFileIsGzippedOnRequestRevalidatedByETagAndThePageWeighsUnder200KbCompressed() throws Exception {
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty())) {
            long total = 0;
            for (String file : FILES) {
                HttpResponse<byte[]> plain = get(daemon, "/ui/" + file);
                HttpResponse<byte[]> zipped = get(daemon, "/ui/" + file, "Accept-Encoding", "gzip");
                assertThat(zipped.headers().firstValue("Content-Encoding"))
                        .as(file)
                        .hasValue("gzip");
                try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))) {
                    assertThat(in.readAllBytes()).as(file).isEqualTo(plain.body());
                }
                String etag = plain.headers().firstValue("ETag").orElseThrow();
                assertThat(get(daemon, "/ui/" + file, "If-None-Match", etag).statusCode())
                        .isEqualTo(304);
                total += zipped.body().length;
            }
            System.out.printf("[DashboardApiTest] page weight: %d bytes compressed (%d files)%n", total, FILES.size());
            assertThat(total).isLessThan(PAGE_WEIGHT_LIMIT);
        }
    }

    @Test
    void anUnknownFileIs404AndNoPathReachesTheClassPath() throws Exception {
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty())) {
            for (String path : List.of(
                    "/ui/nope.js",
                    "/ui/DashboardAssets.class",
                    "/ui/..%2Fapp.js",
                    "/ui/series/nope",
                    "/ui/META-INF%2Fresources%2Fwebjars")) {
                HttpResponse<byte[]> answer = get(daemon, path);
                assertThat(answer.statusCode()).as(path).isIn(400, 404);
            }
            JsonNode notFound = json(new String(get(daemon, "/ui/nope.js").body(), StandardCharsets.UTF_8));
            assertThat(notFound.path("error").asText()).contains("nope.js");
            assertThat(notFound.path("fix").asText()).contains("/ui/");
        }
    }

    @Test
    void theSessionSaysWhetherTheButtonsMayChangeAndWhyNot() throws Exception {
        Path token = work.resolve("token");
        Files.writeString(token, "s3cret");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.of(token))) {
            JsonNode none = json(daemon.tcp("GET", "/ui/session", null).body());
            assertThat(none.path("changes").asBoolean()).isFalse();
            assertThat(none.path("status").asInt()).isEqualTo(401);
            assertThat(none.path("error").asText()).contains("needs the API token");
            JsonNode wrong = json(daemon.tcp("GET", "/ui/session", null, "Authorization", "Bearer nope")
                    .body());
            assertThat(wrong.path("changes").asBoolean()).isFalse();
            assertThat(wrong.path("status").asInt()).isEqualTo(403);
            JsonNode right = json(daemon.tcp("GET", "/ui/session", null, "Authorization", "Bearer s3cret")
                    .body());
            assertThat(right.path("changes").asBoolean()).isTrue();
        }
    }

    @Test
    void withoutATokenFileTheSessionSaysChangesAreRefusedOnTcp() throws Exception {
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty())) {
            JsonNode session = json(daemon.tcp("GET", "/ui/session", null).body());
            assertThat(session.path("changes").asBoolean()).isFalse();
            assertThat(session.path("error").asText()).contains("--api-token");
        }
    }

    @Test
    void aChangeFromTheDashboardIsJournaledAsSuchAndAForeignPageIsRefused() throws Exception {
        Path token = work.resolve("token");
        Files.writeString(token, "s3cret");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.of(token))) {
            await("two running pods", () -> daemon.running("web"), running -> running.size() == 2);
            String origin = "http://127.0.0.1:" + daemon.port();
            HttpResponse<String> scaled = daemon.tcp(
                    "POST",
                    "/services/web/scale",
                    "{\"replicas\": 3}",
                    "Authorization",
                    "Bearer s3cret",
                    "Orbit-Client",
                    "dashboard",
                    "Origin",
                    origin,
                    "Sec-Fetch-Site",
                    "same-origin");
            assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
            JsonNode events = json(daemon.tcp("GET", "/events", null).body());
            assertThat(events.findValuesAsText("message"))
                    .anySatisfy(message -> assertThat(message)
                            .endsWith("scaled to 3 replicas, by a token holder via the dashboard at 127.0.0.1"));

            HttpResponse<String> forged = daemon.tcp(
                    "POST",
                    "/services/web/scale",
                    "{\"replicas\": 4}",
                    "Authorization",
                    "Bearer s3cret",
                    "Orbit-Client",
                    "dashboard",
                    "Origin",
                    "http://evil.example");
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(daemon.tcp("GET", "/ui/stream", null, "Origin", "http://evil.example")
                            .statusCode())
                    .isEqualTo(403);
        }
    }

    @Test
    void theStreamSendsStatusJournalAndSeriesAtOnceThenEachNewJournalEntry() throws Exception {
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty())) {
            await("two running pods", () -> daemon.running("web"), running -> running.size() == 2);
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + daemon.port() + "/ui/stream?service=web"))
                    .build();
            HttpResponse<InputStream> stream = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("text/event-stream");
            BlockingQueue<String> lines = new LinkedBlockingQueue<>(10_000);
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.offer(line);
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            try {
                List<String> first = readUntil(lines, seen -> seen.contains("event: series"));
                assertThat(first).contains("event: status", "event: journal", "event: series");
                String status = first.get(first.indexOf("event: status") + 1);
                assertThat(json(status.substring("data: ".length()))
                                .path("services")
                                .path(0)
                                .path("service_name")
                                .asText())
                        .isEqualTo("web");

                daemon.socket("POST", "/services/web/restart", null);
                List<String> next =
                        readUntil(lines, seen -> seen.stream().anyMatch(line -> line.contains("restart-requested")));
                assertThat(next)
                        .anySatisfy(
                                line -> assertThat(line).startsWith("data: [").contains("rolling restart"));
            } finally {
                stream.body().close();
                reader.interrupt();
            }
        }
    }

    @Test
    void streamsAreBoundedAndTheOneTooManyIs503WithTheFix() throws Exception {
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty())) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + "/ui/stream"))
                    .timeout(Duration.ofSeconds(10))
                    .build();
            List<HttpResponse<InputStream>> open = new ArrayList<>();
            try {
                for (int i = 0; i < 64; i++) {
                    HttpResponse<InputStream> stream = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                    assertThat(stream.statusCode()).as("stream %d", i).isEqualTo(200);
                    open.add(stream);
                }
                HttpResponse<String> refused = http.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(json(refused.body()).path("error").asText()).contains("too many open dashboard pages");
                assertThat(json(refused.body()).path("fix").asText()).contains("reconnects by itself");
            } finally {
                for (HttpResponse<InputStream> stream : open) {
                    stream.body().close();
                }
            }
            // A closed page's stream is dropped at its next write (a change, or the keep-alive after 15 s).
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int status;
            do {
                HttpResponse<InputStream> stream = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                status = stream.statusCode();
                stream.body().close();
                if (status != 200) {
                    Thread.sleep(200);
                }
            } while (status != 200 && System.nanoTime() < deadline);
            assertThat(status)
                    .as("a stream accepted again once the pages closed")
                    .isEqualTo(200);
        }
    }

    /** Lines of the stream until the condition holds, within 10 s. */
    private static List<String> readUntil(BlockingQueue<String> lines, java.util.function.Predicate<List<String>> done)
            throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.test(seen)) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("the stream did not send what was expected within 10 s; seen: " + seen);
            }
            seen.add(line);
        }
        return seen;
    }
}
