package io.orbit.runtime.docker;

import static io.orbit.runtime.docker.FakeDockerEngine.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.orbit.runtime.ContainerEvent;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.ContainerStats;
import io.orbit.runtime.EventListener;
import io.orbit.runtime.EventSubscription;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.ImagePullException;
import io.orbit.runtime.LabelSelector;
import io.orbit.runtime.NetworkAttachment;
import io.orbit.runtime.NotFoundException;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.RuntimeUnavailableException;
import io.orbit.runtime.docker.FakeDockerEngine.Answer;
import io.orbit.runtime.docker.FakeDockerEngine.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter's request sequences, replayed against a fake dockerd serving recorded answers. */
class DockerContainerRuntimeTest {

    @TempDir
    Path directory;

    private FakeDockerEngine engine;
    private DockerContainerRuntime runtime;

    @BeforeEach
    void startFakeEngine() throws IOException {
        engine = new FakeDockerEngine(directory)
                .on("GET", "/version", Answer.json(200, resource("version.json")))
                .on("GET", "/info", Answer.json(200, resource("info.json")));
        runtime = DockerContainerRuntime.open(engine.socket());
    }

    @AfterEach
    void stopFakeEngine() throws IOException {
        runtime.close();
        engine.close();
    }

    @Test
    void aMissingSocketIsUnavailableAndSaysHowToFixIt() {
        try (DockerContainerRuntime nowhere = DockerContainerRuntime.open(directory.resolve("missing.sock"))) {
            assertThatThrownBy(nowhere::info)
                    .isInstanceOfSatisfying(
                            RuntimeUnavailableException.class,
                            unavailable -> assertThat(unavailable.endpoint()).endsWith("missing.sock"))
                    .hasMessageContaining("no such socket file")
                    .hasMessageContaining("start dockerd");
            assertThatThrownBy(nowhere::ping)
                    .isInstanceOf(RuntimeUnavailableException.class)
                    .hasMessageContaining("start dockerd");
        }
    }

    @Test
    void statsAskForPrecpuFirstThenOneShotAgainstTheCachedSample() {
        engine.on(
                        "GET",
                        "/containers/busy/stats?stream=false",
                        Answer.json(200, resource("stats-sequence-1-stream-false.json")))
                .on(
                        "GET",
                        "/containers/busy/stats?stream=false&one-shot=true",
                        Answer.json(200, resource("stats-sequence-2-one-shot.json")));

        ContainerStats first = runtime.stats(List.of("busy")).getFirst();
        ContainerStats next = runtime.stats(List.of("busy")).getFirst();

        assertThat(first.cpuPercent()).isCloseTo(48.806, within(0.001));
        assertThat(next.cpuPercent()).isCloseTo(50.559, within(0.001));
        assertThat(next.memoryLimitBytes()).isEqualTo(128L * 1024 * 1024);
        assertThat(engine.requests())
                .extracting(Request::path)
                .filteredOn(path -> path.contains("/stats"))
                .containsExactly(
                        "/v1.41/containers/busy/stats?stream=false",
                        "/v1.41/containers/busy/stats?stream=false&one-shot=true");
    }

    @Test
    void statsLeaveOutContainersThatAreNotRunningOrGone() {
        engine.on("GET", "/containers/busy/stats", Answer.json(200, resource("stats-sequence-1-stream-false.json")))
                .on("GET", "/containers/created/stats", Answer.json(200, resource("stats-not-running.json")))
                .on("GET", "/containers/gone/stats", Answer.json(404, "{\"message\":\"No such container: gone\"}"));

        assertThat(runtime.stats(List.of("created", "busy", "gone")))
                .extracting(ContainerStats::containerId)
                .containsExactly("busy");
    }

    @Test
    void execReturnsBothStreamsAndTheExitCode() {
        engine.on("POST", "/containers/web/exec", Answer.json(201, "{\"Id\":\"e06b\"}"))
                .on("POST", "/exec/e06b/start", Answer.raw(frames("out\n", "err\n")))
                .on("GET", "/exec/e06b/json", Answer.json(200, resource("exec-inspect.json")));

        ExecResult result =
                runtime.exec("web", List.of("sh", "-c", "echo out; echo err >&2; exit 7"), Duration.ofSeconds(5));

        assertThat(result).isEqualTo(new ExecResult(7, "out\n", "err\n"));
        assertThat(engine.requests())
                .filteredOn(request -> request.path().endsWith("/exec"))
                .singleElement()
                .extracting(Request::body)
                .asString()
                .contains("\"AttachStdout\":true", "\"AttachStderr\":true", "\"Cmd\":[\"sh\",\"-c\"");
    }

    @Test
    void anExecThatOutlivesItsTimeoutReports124() {
        engine.on("POST", "/containers/web/exec", Answer.json(201, "{\"Id\":\"e1\"}"))
                .on("POST", "/exec/e1/start", Answer.raw(frames("late\n", "")).delayedBy(Duration.ofSeconds(3)));

        ExecResult result = runtime.exec("web", List.of("sleep", "60"), Duration.ofMillis(300));

        assertThat(result.exitCode()).isEqualTo(124);
        assertThat(result.stderr()).contains("timed out after 300 ms");
    }

    @Test
    void aPullRefusedAtOnceIsAnImagePullFailure() {
        engine.on(
                "POST",
                "/images/create",
                Answer.json(
                        500,
                        "{\"message\":\"Get \\\"http://127.0.0.1:5999/v2/\\\": dial tcp 127.0.0.1:5999: connect: connection refused\"}"));

        assertThatThrownBy(() -> runtime.pullImage("127.0.0.1:5999/orbit/nothing:1", line -> {}))
                .isInstanceOfSatisfying(
                        ImagePullException.class,
                        failure -> assertThat(failure.reference()).isEqualTo("127.0.0.1:5999/orbit/nothing:1"))
                .hasMessageContaining("connection refused");
        assertThat(engine.requests().getLast().path())
                .isEqualTo("/v1.41/images/create?fromImage=127.0.0.1%3A5999%2Forbit%2Fnothing&tag=1");
    }

    @Test
    void aPullFailingInsideItsStreamReportsProgressThenFails() {
        engine.on("POST", "/images/create", Answer.json(200, """
                        {"status":"Pulling from orbit/app","id":"1"}
                        {"errorDetail":{"message":"manifest for orbit/app:1 not found"},"error":"manifest unknown"}
                        """));
        List<String> progress = new ArrayList<>();

        assertThatThrownBy(() -> runtime.pullImage("orbit/app:1", progress::add))
                .isInstanceOf(ImagePullException.class)
                .hasMessageContaining("manifest for orbit/app:1 not found");
        assertThat(progress).containsExactly("1: Pulling from orbit/app");
    }

    @Test
    void networksAfterTheFirstAreConnectedBeforeStart() {
        engine.on("POST", "/containers/create", Answer.json(201, "{\"Id\":\"c1\",\"Warnings\":[]}"))
                .on("POST", "/networks/back/connect", Answer.json(200, ""));
        ContainerSpec spec = ContainerSpec.builder("web-1", "img")
                .network(NetworkAttachment.of("front", "web"))
                .network(NetworkAttachment.of("back", "web-back"))
                .build();

        assertThat(runtime.createContainer(spec)).isEqualTo("c1");
        assertThat(engine.requests())
                .extracting(request -> request.method() + " " + request.path() + " " + request.body())
                .containsExactly(
                        "POST /v1.41/containers/create?name=web-1 "
                                + engine.requests().getFirst().body(),
                        "POST /v1.41/networks/back/connect {\"Container\":\"c1\",\"EndpointConfig\":{\"Aliases\":[\"web-back\"]}}");
    }

    @Test
    void aContainerWhoseNetworkIsMissingIsRemovedAgain() {
        engine.on("POST", "/containers/create", Answer.json(201, "{\"Id\":\"c1\",\"Warnings\":[]}"))
                .on("POST", "/networks/nonet/connect", Answer.json(404, "{\"message\":\"network nonet not found\"}"))
                .on("DELETE", "/containers/c1", Answer.json(204, ""));
        ContainerSpec spec = ContainerSpec.builder("web-1", "img")
                .network(NetworkAttachment.of("front"))
                .network(NetworkAttachment.of("nonet"))
                .build();

        assertThatThrownBy(() -> runtime.createContainer(spec))
                .isInstanceOfSatisfying(
                        NotFoundException.class,
                        notFound -> assertThat(notFound.kind()).isEqualTo(ResourceKind.NETWORK));
        assertThat(engine.requests().getLast().method() + " "
                        + engine.requests().getLast().path())
                .isEqualTo("DELETE /v1.41/containers/c1?force=true&v=true");
    }

    @Test
    void eventsAreFilteredByTypeAndLabelAndMapped() throws InterruptedException {
        engine.on("GET", "/events", Answer.json(200, resource("events.json")));
        BlockingQueue<ContainerEvent> events = new LinkedBlockingQueue<>();

        EventSubscription subscription =
                runtime.subscribe(LabelSelector.of("io.orbit.service", "web"), new EventListener() {
                    @Override
                    public void onEvent(ContainerEvent event) {
                        events.add(event);
                    }
                });
        try {
            ContainerEvent first = events.poll(5, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(first.type()).isEqualTo(ContainerEvent.Type.CREATE);
        } finally {
            subscription.close();
        }
        assertThat(subscription.isConnected()).isFalse();
        assertThat(engine.requests().getLast().path())
                .isEqualTo(
                        "/v1.41/events?filters=%7B%22label%22%3A%5B%22io.orbit.service%3Dweb%22%5D%2C%22type%22%3A%5B%22container%22%5D%7D");
    }

    /** Docker's raw stream: an 8-byte header (stream, 0, 0, 0, big-endian length) before each payload. */
    private static byte[] frames(String stdout, String stderr) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frame(out, 1, stdout);
        frame(out, 2, stderr);
        return out.toByteArray();
    }

    private static void frame(ByteArrayOutputStream out, int stream, String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            return;
        }
        out.write(stream);
        out.writeBytes(new byte[] {0, 0, 0});
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }
}
