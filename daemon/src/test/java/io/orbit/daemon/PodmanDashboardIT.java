package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.testkit.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in a real browser (Debian's headless chromium through Selenium) against a real daemon on rootful
 * Podman running the examples {@code hello.yml} and {@code autoscale.yml} (renamed with a random suffix, on free
 * node ports). The six checks of issue 16, in the order one daemon and one browser can run them; the screenshots of
 * the overview and of a service page land in {@code target/dashboard} (copied to {@code docs/img} by hand).
 *
 * <p>Every wait is a poll with a deadline ({@link Poll}); the browser is never reloaded between the checks of one
 * page, which a marker set on the page's {@code window} proves.
 */
@Tag("container-engine")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodmanDashboardIT {

    private static final TestEngine ENGINE = TestEngine.PODMAN;
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Path SCREENSHOTS = Path.of("target", "dashboard");

    private Path work;
    private DaemonProcess daemon;
    private ChromeDriver browser;
    private EnginePods engine;
    private String token;
    private String hello;
    private String autoscale;
    private int helloPort;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @BeforeAll
    void startDaemonAndBrowser() throws Exception {
        engine = ENGINE.open();
        work = Files.createTempDirectory("orbit-dashboard-it");
        Path services = Files.createDirectory(work.resolve("services"));
        String suffix = TestEngine.randomSuffix();
        hello = "hello-" + suffix;
        autoscale = "autoscale-" + suffix;
        helloPort = DaemonProcess.freePort();
        example("hello.yml", "hello", hello, 8081, helloPort, services);
        example("autoscale.yml", "autoscale", autoscale, 8086, DaemonProcess.freePort(), services);
        token = UUID.randomUUID().toString();
        Path tokenFile = work.resolve("api-token");
        Files.writeString(tokenFile, token);
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        daemon = ENGINE.startDaemon(
                services,
                Path.of("target", "daemon-it", "PodmanDashboardIT-" + suffix + ".log"),
                // its own instance: no other daemon on this engine (a demo, another test) adopts or removes its pods
                List.of("--api-token", tokenFile.toString(), "--instance", "dashboard-it-" + suffix));
        awaitApi("hello 2/2 ready and autoscale 1/1", () -> readyPods(hello) == 2 && readyPods(autoscale) == 1);
        browser = HeadlessChromium.open(1280, 900);
    }

    /** Copies an example, renamed and on another node port, so it never meets a running demo or another test. */
    private static void example(String file, String name, String newName, int nodePort, int newPort, Path into)
            throws IOException {
        String text = Files.readString(Path.of("..", "examples", file));
        String renamed = text.replace("name: " + name + "\n", "name: " + newName + "\n")
                .replace("node_port: " + nodePort, "node_port: " + newPort);
        assertThat(renamed)
                .as("the example %s names the service and its node port", file)
                .contains(newName, "node_port: " + newPort);
        Files.writeString(into.resolve(file), renamed);
    }

    @AfterAll
    void stopEverything() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        if (browser != null) {
            browser.quit();
        }
        if (daemon != null) {
            daemon.close();
        }
        if (engine != null) {
            if (hello != null) {
                engine.removeEverythingOf(hello, failures);
                engine.removeEverythingOf(autoscale, failures);
            }
            engine.runtime().close();
        }
        assertThat(failures).as("cleanup").isEmpty();
    }

    @Test
    @Order(1)
    void theOverviewListsEveryServiceWithTheRightCounts() throws Exception {
        open("/");
        // Each probe reads both rows in one script: the page redraws the table whenever a status changes (the
        // autoscaler decides every few seconds), so elements found by one call may be gone at the next.
        Map<String, ServiceRow> shown = poll(
                "both services with their ready/desired counts on the overview",
                () -> Map.of(hello, serviceRow(hello), autoscale, serviceRow(autoscale)),
                rows -> rows.get(hello).counts().equals("2/2")
                        && rows.get(autoscale).counts().equals("1/1")
                        && rows.get(hello).readyPills() == 2);
        assertThat(shown.get(hello).links()).containsEntry(":" + helloPort, "http://127.0.0.1:" + helloPort + "/");
        assertThat(text("health")).contains("engine: podman").contains("daemon: ok");
        // the autoscaler's column says what it does; the page is read-only without the token
        assertThat(shown.get(autoscale).text()).containsAnyOf("no decision yet", "→");
        assertThat(text("access")).startsWith("Read-only");
        HeadlessChromium.screenshot(browser, SCREENSHOTS.resolve("dashboard-overview.png"));
    }

    @Test
    @Order(2)
    void withoutTheTokenTheButtonsAreDisabledAndAForgedRequestIsRefused() throws Exception {
        open("/#/service/" + autoscale);
        Map<String, Boolean> enabled = poll(
                "the action buttons, scale-up among them",
                this::actionButtonsEnabled,
                buttons -> buttons.containsKey("scale-up"));
        poll(
                "the page knows changes need the token",
                () -> text("access"),
                text -> text.contains("needs the API token"));
        assertThat(enabled).as("action buttons without the token (enabled?)").doesNotContainValue(true);
        // The page itself, asked to change without the token: refused (401), nothing changes.
        Object status = script("""
                const done = arguments[arguments.length - 1];
                fetch('/services/%s/scale', {method: 'POST', headers: {'Content-Type': 'application/json',
                  'Orbit-Client': 'dashboard'}, body: '{"replicas": 3}'}).then(r => done(r.status));
                """.formatted(autoscale));
        assertThat(status).isEqualTo(401L);
        // A page of another origin, even with the token (a stolen one cannot be used from a foreign page): 403.
        HttpResponse<String> forged = post(
                "/services/" + autoscale + "/scale",
                "{\"replicas\": 3}",
                "Authorization",
                "Bearer " + token,
                "Origin",
                "http://evil.example",
                "Sec-Fetch-Site",
                "cross-site");
        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
        assertThat(forged.body()).contains("another origin");
        // A wrong token: 403.
        assertThat(post("/services/" + autoscale + "/scale", "{\"replicas\": 3}", "Authorization", "Bearer wrong")
                        .statusCode())
                .isEqualTo(403);
        assertThat(desiredReplicas(autoscale)).isEqualTo(1);
    }

    @Test
    @Order(3)
    void theScaleButtonWithTheTokenAddsAPodThatAppearsOnThePage() throws Exception {
        open("/#/service/" + autoscale);
        markPage();
        browser.findElement(By.id("token")).click();
        browser.findElement(By.id("token-input")).sendKeys(token);
        browser.findElement(By.id("token-save")).click();
        poll(
                "the scale-up button enabled by the token",
                () -> actionButtonsEnabled().getOrDefault("scale-up", false),
                Boolean::booleanValue);
        assertThat(script("const done = arguments[arguments.length - 1]; done(document.cookie + '|' + location.href);"))
                .asString()
                .doesNotContain(token);
        // found and clicked in one probe: a redraw between the two makes the element stale, and the probe repeats
        poll(
                "a click on scale-up",
                () -> {
                    WebElement up = browser.findElement(By.cssSelector("[data-action='scale-up']"));
                    up.click();
                    return true;
                },
                clicked -> clicked);
        poll("a second pod of %s on the page".formatted(autoscale), this::podNumbersShown, pods -> pods.size() == 2);
        poll(
                "the page counts 2/2 ready",
                () -> script("arguments[0](document.querySelector('#service-head .counts')?.innerText ?? '')"),
                text -> "2/2 ready".equals(text));
        assertThat(desiredReplicas(autoscale)).isEqualTo(2);
        JsonNode events = daemon.getJson("/events");
        assertThat(events.findValuesAsText("message"))
                .anySatisfy(message ->
                        assertThat(message).contains("scaled to 2 replicas, by a token holder via the dashboard"));
        assertPageNotReloaded();
        HeadlessChromium.screenshot(browser, SCREENSHOTS.resolve("dashboard-scaled.png"));
    }

    @Test
    @Order(4)
    void aKilledContainerTurnsItsPodToRestartingAndBackToReadyOnThePageWithin3Seconds() throws Exception {
        open("/#/service/" + hello);
        markPage();
        poll("two Ready pods on the page", () -> podStates(), states -> states.equals(List.of("Ready", "Ready")));
        int restartsBefore = podRow(0).restarts();
        String container = container(hello, 0);
        run(List.of("kill", container));
        long killed = System.nanoTime();
        // The page and the API, polled together: the page must follow the API within 3 s, without a reload.
        long[] apiSaw = {0};
        String changed = poll(
                "pod 0 restarting on the page",
                () -> {
                    if (apiSaw[0] == 0
                            && (restarts(hello, 0) > restartsBefore
                                    || !podState(hello, 0).equals("Ready"))) {
                        apiSaw[0] = System.nanoTime();
                    }
                    PodRow row = podRow(0);
                    return row.state() + "/" + row.restarts();
                },
                shown -> !shown.startsWith("Ready/")
                        || Integer.parseInt(shown.substring(shown.indexOf('/') + 1)) > restartsBefore);
        long pageSaw = System.nanoTime();
        long lag = apiSaw[0] == 0 ? 0 : pageSaw - apiSaw[0];
        assertThat(Duration.ofNanos(lag))
                .as("the page showed %s after the API by", changed)
                .isLessThan(Duration.ofSeconds(3));
        poll(
                "pod 0 Ready again on the page",
                Duration.ofSeconds(60),
                () -> podRow(0),
                row -> row.state().equals("Ready"));
        assertThat(podRow(0).restarts()).isGreaterThan(restartsBefore);
        System.out.printf(
                "[PodmanDashboardIT] kill to Ready on the page: %d ms%n",
                Duration.ofNanos(System.nanoTime() - killed).toMillis());
        assertPageNotReloaded();
    }

    @Test
    @Order(5)
    void aLineAContainerPrintsAppearsInTheLiveLogWithin2Seconds() throws Exception {
        open("/#/service/" + hello);
        markPage();
        poll("the log follows", () -> text("logs-state"), "following"::equals);
        String line = "dashboard-it-" + UUID.randomUUID();
        run(List.of("exec", container(hello, 1), "sh", "-c", "echo " + line + " > /proc/1/fd/1"));
        long printed = System.nanoTime();
        poll(
                "the printed line in the live log",
                Duration.ofSeconds(2),
                () -> text("logs-lines"),
                text -> text.contains(line));
        System.out.printf(
                "[PodmanDashboardIT] printed to shown: %d ms%n",
                Duration.ofNanos(System.nanoTime() - printed).toMillis());
        // the stream filter hides it (stdout), the container filter keeps it
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("logs-stream"))).selectByValue("stderr");
        assertThat(text("logs-lines")).doesNotContain(line);
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("logs-stream"))).selectByValue("stdout");
        assertThat(text("logs-lines")).contains(line);
        assertPageNotReloaded();
    }

    @Test
    @Order(6)
    void theChartsRenderDataPointsAfterTrafficThroughTheNodePort() throws Exception {
        open("/#/service/" + hello);
        markPage();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        int requests = 0;
        // a rate of 0 is a point too: wait for the latency of requests completed within one interval
        while (System.nanoTime() < deadline && points("latency") == 0) {
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> answer = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + helloPort + "/"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                requests++;
            }
            TimeUnit.MILLISECONDS.sleep(250); // pacing the load, not a wait for a condition
        }
        assertThat(points("traffic"))
                .as("points on the requests/s chart after %d requests", requests)
                .isPositive();
        assertThat(points("latency")).as("points on the latency chart").isPositive();
        assertThat(points("replicas")).as("points on the pods chart").isPositive();
        assertThat(script("arguments[0](document.querySelectorAll('#chart-traffic canvas').length)"))
                .as("canvases of the requests/s chart")
                .isNotEqualTo(0L);
        assertThat(script("arguments[0](document.querySelector('#chart-traffic .plot')?.getAttribute('aria-label'))"))
                .asString()
                .contains("requests per second");
        assertPageNotReloaded();
        // a window tall enough for the pods, the charts and the events in one picture
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1500));
        poll("the charts redrawn", () -> points("traffic"), points -> points > 0);
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        HeadlessChromium.screenshot(browser, SCREENSHOTS.resolve("dashboard-service.png"));
        // Usable at 360 px: nothing wider than the window but the scrolling tables.
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(360, 780));
        Object overflow = ((JavascriptExecutor) browser)
                .executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(((Number) overflow).intValue())
                .as("horizontal overflow at 360 px")
                .isLessThanOrEqualTo(0);
        HeadlessChromium.screenshot(browser, SCREENSHOTS.resolve("dashboard-narrow.png"));
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private void open(String path) {
        browser.get("http://127.0.0.1:" + daemon.apiPort() + path);
    }

    private void markPage() {
        ((JavascriptExecutor) browser).executeScript("window.__orbitTestMark = 'not reloaded'");
    }

    private void assertPageNotReloaded() {
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__orbitTestMark"))
                .as("the page was not reloaded")
                .isEqualTo("not reloaded");
    }

    private Object script(String asyncScript, Object... arguments) {
        return ((JavascriptExecutor) browser).executeAsyncScript(asyncScript, arguments);
    }

    // The page redraws a region whenever its data changes, so every read below is one script: a script runs
    // between two redraws, while elements found by one WebDriver call may be stale at the next.

    /** A service's row of the overview as one read. */
    private record ServiceRow(String counts, long readyPills, String text, Map<String, String> links) {}

    @SuppressWarnings("unchecked")
    private ServiceRow serviceRow(String service) {
        Map<String, Object> row = (Map<String, Object>) script("""
                const done = arguments[arguments.length - 1];
                const row = document.querySelector(`table.services tr[data-service="${arguments[0]}"]`);
                done(row === null ? null : {
                  counts: row.querySelector('td.counts')?.innerText ?? '',
                  ready: row.querySelectorAll(".states [data-state='Ready']").length,
                  text: row.innerText,
                  links: Object.fromEntries([...row.querySelectorAll('a')].map((a) => [a.innerText, a.href])),
                });
                """, service);
        if (row == null) {
            throw new IllegalStateException("no row for " + service + " yet");
        }
        return new ServiceRow(
                (String) row.get("counts"), (Long) row.get("ready"), (String) row.get("text"), (Map<String, String>)
                        row.get("links"));
    }

    /** A pod's row of the service page as one read. */
    private record PodRow(String state, int restarts) {}

    @SuppressWarnings("unchecked")
    private PodRow podRow(int pod) {
        Map<String, Object> row = (Map<String, Object>) script("""
                const done = arguments[arguments.length - 1];
                const row = document.querySelector(`table.pods tr[data-pod="${arguments[0]}"]`);
                done(row === null ? null : {state: row.dataset.state, restarts: row.dataset.restarts});
                """, String.valueOf(pod));
        if (row == null) {
            throw new IllegalStateException("no row for pod " + pod + " yet");
        }
        return new PodRow((String) row.get("state"), Integer.parseInt((String) row.get("restarts")));
    }

    @SuppressWarnings("unchecked")
    private List<String> podNumbersShown() {
        return (List<String>) script("""
                arguments[arguments.length - 1]([...new Set([...document.querySelectorAll('table.pods tr[data-pod]')]
                  .map((row) => row.dataset.pod))]);
                """);
    }

    @SuppressWarnings("unchecked")
    private List<String> podStates() {
        return (List<String>) script("""
                arguments[arguments.length - 1]([...document.querySelectorAll('table.pods tr[data-pod]')]
                  .map((row) => row.dataset.state));
                """);
    }

    /** Every action button by its {@code data-action}: enabled or not. */
    @SuppressWarnings("unchecked")
    private Map<String, Boolean> actionButtonsEnabled() {
        return (Map<String, Boolean>) script("""
                arguments[arguments.length - 1](Object.fromEntries([...document.querySelectorAll(
                  '.actions button[data-action]')].map((button) => [button.dataset.action, !button.disabled])));
                """);
    }

    /** The rendered text of the element with this id, or an empty string while there is none. */
    private String text(String id) {
        Object text = script("arguments[1](document.getElementById(arguments[0])?.innerText ?? '')", id);
        return text == null ? "" : text.toString();
    }

    private int points(String chart) {
        Object points = script(
                "arguments[1](document.getElementById('chart-' + arguments[0])?.getAttribute('data-points'))", chart);
        return points == null ? 0 : Integer.parseInt(points.toString());
    }

    private JsonNode pod(String service, int number) throws InterruptedException {
        for (JsonNode pod : daemon.getJson("/services/" + service).path("pods")) {
            if (pod.path("pod_number").asInt() == number) {
                return pod;
            }
        }
        throw new AssertionError("no pod " + number + " of " + service);
    }

    private String container(String service, int pod) throws InterruptedException {
        return pod(service, pod).path("containers").get(0).path("name").asText();
    }

    private int restarts(String service, int pod) throws InterruptedException {
        return pod(service, pod).path("restart_count").asInt();
    }

    private String podState(String service, int pod) throws InterruptedException {
        return pod(service, pod).path("state").asText();
    }

    private int readyPods(String service) throws InterruptedException {
        HttpResponse<String> answer = daemon.get("/services/" + service);
        if (answer.statusCode() != 200) {
            return -1;
        }
        int ready = 0;
        for (JsonNode pod : daemon.getJson("/services/" + service).path("pods")) {
            if (pod.path("state").asText().equals("Ready")) {
                ready++;
            }
        }
        return ready;
    }

    private int desiredReplicas(String service) throws InterruptedException {
        return daemon.getJson("/services/" + service).path("desired_replicas").asInt();
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws InterruptedException {
        return daemon.send("POST", path, body, headers);
    }

    private void run(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(ENGINE.cli());
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within 30 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
    }

    private void awaitApi(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        Poll.until(what, SETTLE, condition, Boolean::booleanValue, daemon::tail);
    }

    private <T> T poll(
            String what, java.util.concurrent.Callable<T> probe, java.util.function.Predicate<? super T> done)
            throws Exception {
        return poll(what, Duration.ofSeconds(30), probe, done);
    }

    private <T> T poll(
            String what,
            Duration timeout,
            java.util.concurrent.Callable<T> probe,
            java.util.function.Predicate<? super T> done)
            throws Exception {
        Supplier<String> diagnostics = () -> "page text:\n" + pageText() + "\n" + daemon.tail(30);
        return Poll.until(what, timeout, probe, done, diagnostics);
    }

    private String pageText() {
        try {
            return browser.findElement(By.tagName("body")).getText();
        } catch (RuntimeException e) {
            return "(no page: " + e + ")";
        }
    }
}
