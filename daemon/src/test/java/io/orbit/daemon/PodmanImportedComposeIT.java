package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.daemon.cli.OrbitCommand;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.NotFoundException;
import io.orbit.testkit.Poll;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Compose fixtures whose images exist here (the local fixture image) go the way a user takes them: {@code orbit
 * import compose}, {@code orbit validate} (no error, no warning), then a real daemon on rootful Podman runs them: every
 * service reaches its replica count, published ports answer through the proxy, the imported config file is mounted,
 * and one service reaches the other on their shared network by the name the import's warning gives.
 */
@Tag("container-engine")
class PodmanImportedComposeIT extends DaemonScenario {

    private static final Path FIXTURES = Path.of("..", "interop", "src", "test", "resources", "compose");
    private static final Map<String, Integer> PODS = Map.of("web", 2, "front", 1, "back", 1, "app", 1);

    PodmanImportedComposeIT() {
        super(TestEngine.PODMAN, "imported");
    }

    @Override
    List<String> services() {
        return List.copyOf(PODS.keySet());
    }

    @Override
    void removeMore(List<Throwable> failures) {
        try {
            engine.runtime().removeVolume("orbit-import-app_data");
        } catch (NotFoundException neverCreated) {
            // the daemon did not get that far
        }
        try {
            engine.runtime().removeNetwork("orbit-import-pair_default");
        } catch (NotFoundException neverCreated) {
            // idem
        }
    }

    private String orbit(int expectedExit, String... args) throws IOException {
        Path emptyConfig = workDirectory.resolve("orbit.yaml");
        if (!Files.exists(emptyConfig)) {
            Files.writeString(emptyConfig, "{}\n");
        }
        String[] full = new String[args.length + 2];
        full[0] = "--config-file";
        full[1] = emptyConfig.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var commandLine = OrbitCommand.commandLine(full);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(full);
        assertThat(exit)
                .as("orbit %s%n--- stdout%n%s--- stderr%n%s", String.join(" ", args), out, err)
                .isEqualTo(expectedExit);
        return out.toString();
    }

    @Test
    void importedComposeProjectsValidateAndRunUnderTheDaemon() throws Exception {
        for (String fixture : List.of("fixture-app", "fixture-pair", "interpolation")) {
            orbit(
                    0,
                    "import",
                    "compose",
                    FIXTURES.resolve(fixture).resolve("compose.yaml").toString(),
                    "--out",
                    configDirectory.toString());
        }
        assertThat(orbit(0, "validate", configDirectory.toString()))
                .contains("4 service(s) valid, 0 error(s), 0 warning(s)");

        DaemonProcess daemon = startDaemon();

        for (Map.Entry<String, Integer> service : PODS.entrySet()) {
            Poll.until(
                    service.getKey() + " at " + service.getValue() + " running pod(s)",
                    () -> StatusJson.runningPods(daemon.getJson("/status"), service.getKey()),
                    pods -> pods == service.getValue(),
                    daemon::tail);
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int port : List.of(18901, 18911, 18581)) {
            HttpResponse<String> response = Poll.until(
                    "the node port " + port + " answering",
                    () -> get(http, port),
                    r -> r != null && r.statusCode() == 200,
                    daemon::tail);
            assertThat(response.body()).contains("orbit fixture");
        }
        String web = running("web").id();
        assertThat(exec(web, "cat", "/etc/motd.txt").stdout()).isEqualTo("hello from an imported config\n");
        assertThat(exec(web, "sh", "-c", "echo kept > /data/probe").succeeded()).isTrue();
        String front = running("front").id();
        ExecResult sibling = Poll.until(
                "front reaching back as back-main:9090",
                () -> exec(front, "wget", "-q", "-O", "-", "http://back-main:9090/"),
                ExecResult::succeeded,
                daemon::tail);
        assertThat(sibling.stdout()).contains("orbit fixture");
        assertThat(exec(running("app").id(), "env").stdout())
                .contains("SECRET_REF=from-dotenv")
                .contains("NESTED=deep-default")
                .contains("MODE=production");
    }

    private ContainerSummary running(String service) {
        return engine.containers(service).stream()
                .filter(container -> container.state() == ContainerState.RUNNING)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no running container of " + service));
    }

    private ExecResult exec(String container, String... command) {
        return engine.runtime().exec(container, List.of(command), Duration.ofSeconds(10));
    }

    private static HttpResponse<String> get(HttpClient http, int port) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .timeout(Duration.ofSeconds(3))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
