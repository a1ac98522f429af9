package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ExecResult;
import io.orbit.testkit.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code network_limit} end to end on a real engine: a real daemon runs a limited service (8 Mbit/s each way) and an
 * unlimited one (two pods), every container serving a generated 1 MiB file with busybox httpd. Egress is measured by
 * downloading from the host, ingress by a {@code wget} inside the limited container from an unlimited pod; the
 * baselines are the same transfers involving unlimited pods only. Traffic stays on the engine's bridge. On rootful
 * engines the limit must hold; on a rootless engine the daemon must refuse to start the pod unlimited and say why in
 * {@code /status}, while the other services run.
 */
@Tag("container-engine")
abstract class NetworkLimitContract extends DaemonScenario {

    static final long RATE_BITS = 1_000_000;
    private static final int BLOB_KIB = 1024;
    private static final long BLOB_BYTES = BLOB_KIB * 1024L;

    private String limited;
    private String unlimited;

    NetworkLimitContract(TestEngine testEngine) {
        super(testEngine, "netlimit");
    }

    @BeforeEach
    void nameWhatTheTestCreates() {
        limited = "it-netlim-" + suffix;
        unlimited = "it-netfree-" + suffix;
    }

    @Override
    List<String> services() {
        return List.of(limited, unlimited);
    }

    private static String serviceFile(String name, int pods, String networkLimit) {
        return """
                name: %s
                instance_count: {min: %d, max: %d}
                spec:
                  containers:
                    - name: main
                      image: %s
                      command: ["sh", "-c", "mkdir -p /tmp/w && dd if=/dev/zero of=/tmp/w/blob bs=1024 count=%d \
                2>/dev/null && exec httpd -f -p 8080 -h /tmp/w"]
                      ports: [{port: 8080}]
                %s
                """.formatted(name, pods, pods, ServiceFile.FIXTURE_IMAGE, BLOB_KIB, networkLimit);
    }

    @Test
    void limitsBothDirectionsOrSaysWhyNot() throws Exception {
        ServiceFile.writeAtomically(
                configDirectory.resolve("limited.yml"),
                serviceFile(limited, 1, "      network_limit: {ingress_rate: 1Mbps, egress_rate: 1Mbps}"));
        ServiceFile.writeAtomically(configDirectory.resolve("unlimited.yml"), serviceFile(unlimited, 2, ""));
        DaemonProcess daemon = startDaemon();

        if (testEngine.rootless()) {
            // The limit cannot be applied: the daemon refuses to start the pod unlimited, says why, and keeps serving
            // everything else.
            awaitRunningPods(daemon, unlimited, 2);
            JsonNode refused = Poll.until(
                    "/status to show why " + limited + " does not start",
                    () -> serviceStatus(daemon.getJson("/status"), limited),
                    service -> service.path("last_error").asText().contains("cannot be enforced"),
                    daemon::tail);
            assertThat(refused.path("last_error").asText())
                    .contains("network_limit of container 'main'")
                    .contains("rootless")
                    .contains("Fix:")
                    .contains("limited.yml");
            assertThat(engine.pods(limited))
                    .as("no unlimited container was started")
                    .isEmpty();
            return;
        }
        List<EnginePods.Pod> limitedPods = awaitRunningPods(daemon, limited, 1);
        List<EnginePods.Pod> freePods = awaitRunningPods(daemon, unlimited, 2);
        String limitedId = limitedPods.get(0).container("main").id();
        JsonNode block = Poll.until(
                "/status to show the network limit of " + limited,
                () -> networkLimitBlock(daemon.getJson("/status"), limited),
                JsonNode::isObject,
                daemon::tail);
        assertThat(block.path("ingress_rate_bps").asLong()).isEqualTo(RATE_BITS);
        assertThat(block.path("egress_rate_bps").asLong()).isEqualTo(RATE_BITS);
        // The engine runs the unlimited pods before the daemon's /status shows their containers (with an id, hence
        // with the field): wait for that, then the field must be there and null.
        JsonNode free = Poll.until(
                "/status to show the containers of " + unlimited,
                () -> firstContainer(daemon.getJson("/status"), unlimited),
                container -> container.path("id").isTextual(),
                daemon::tail);
        assertThat(free.has("network_limit") && free.get("network_limit").isNull())
                .as("an unlimited container has no network_limit block: %s", free)
                .isTrue();

        assertThat(block.path("enforced").asBoolean()).as("enforced: %s", block).isTrue();

        String limitedIp = engine.address(limitedId);
        String freeServer = engine.address(freePods.get(0).container("main").id());
        String freeClient = freePods.get(1).container("main").id();

        double egressLimited = downloadBitsPerSecond(limitedIp);
        double egressFree = downloadBitsPerSecond(freeServer);
        double ingressLimited = wgetBitsPerSecond(limitedId, freeServer);
        double ingressFree = wgetBitsPerSecond(freeClient, freeServer);
        System.out.printf(
                Locale.ROOT,
                "[%s] network_limit 1 Mbit/s: egress %.2f Mbit/s (unlimited %.1f, ratio %.3f),"
                        + " ingress %.2f Mbit/s (unlimited %.1f, ratio %.3f)%n",
                testEngine.runtimeName(),
                egressLimited / 1e6,
                egressFree / 1e6,
                egressLimited / egressFree,
                ingressLimited / 1e6,
                ingressFree / 1e6,
                ingressLimited / ingressFree);

        assertThat(egressLimited).as("egress limited vs unlimited").isLessThan(egressFree * 0.5);
        assertThat(egressLimited).as("egress within ±20 %% of 1 Mbit/s").isBetween(RATE_BITS * 0.8, RATE_BITS * 1.2);
        assertThat(ingressLimited).as("ingress limited vs unlimited").isLessThan(ingressFree * 0.5);
        assertThat(ingressLimited).as("ingress within ±20 %% of 1 Mbit/s").isBetween(RATE_BITS * 0.8, RATE_BITS * 1.2);
        assertThat(daemon.getJson("/events?after=0").toString()).doesNotContain("NOT enforced");
    }

    /** The first container's network_limit block of the service's first pod; missing until the service shows. */
    private static JsonNode serviceStatus(JsonNode status, String service) {
        return StatusJson.hasService(status, service)
                ? StatusJson.service(status, service)
                : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static JsonNode networkLimitBlock(JsonNode status, String service) {
        return firstContainer(status, service).path("network_limit");
    }

    /** The first container of the service's first pod in /status; missing while /status shows none. */
    private static JsonNode firstContainer(JsonNode status, String service) {
        if (!StatusJson.hasService(status, service)) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return StatusJson.service(status, service)
                .path("pods")
                .path(0)
                .path("containers")
                .path(0);
    }

    /** GET /blob from the host over a plain socket; bits per second of the whole response. */
    private static double downloadBitsPerSecond(String ip) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ip, 8080), 5000);
            socket.setSoTimeout(20_000);
            long started = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            out.write("GET /blob HTTP/1.0\r\nHost: %s\r\n\r\n".formatted(ip).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long received = 0;
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                received += n;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(received).as("response size").isGreaterThan(BLOB_BYTES);
            return BLOB_BYTES * 8 / seconds;
        }
    }

    /** {@code wget} of the blob inside {@code container}: bits per second, timed around the exec. */
    private double wgetBitsPerSecond(String container, String serverIp) {
        long started = System.nanoTime();
        ExecResult result = engine.runtime()
                .exec(
                        container,
                        List.of("wget", "-q", "-O", "/dev/null", "http://" + serverIp + ":8080/blob"),
                        Duration.ofSeconds(20));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(result.exitCode()).as("wget: %s", result.stderr()).isZero();
        return BLOB_BYTES * 8 / seconds;
    }

    private List<EnginePods.Pod> awaitRunningPods(DaemonProcess daemon, String service, int count) throws Exception {
        return Poll.until(
                count + " running pods of " + service,
                () -> engine.pods(service),
                pods -> pods.size() == count && pods.stream().allMatch(EnginePods.Pod::isRunning),
                daemon::tail);
    }
}
