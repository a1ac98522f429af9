package io.orbit.daemon.api;

import static io.orbit.daemon.api.InProcessDaemon.await;
import static io.orbit.daemon.api.InProcessDaemon.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.runtime.ContainerSummary;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon end to end in this JVM: /status says whether host access is allowed without changing Orbit's array shape
 * (a header, and a /healthz field), a privileged service file is refused, and {@code config_hash} is the keyed form
 * of the pods' label, never the label itself.
 */
class HostAccessApiTest {

    @TempDir
    Path work;

    @Test
    void statusAndHealthzSayHostAccessIsDeniedAndStatusStaysAnArray() throws Exception {
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty())) {
            HttpResponse<String> status = daemon.tcp("GET", "/status", null);
            HttpResponse<String> health = daemon.tcp("GET", "/healthz", null);

            assertThat(status.headers().firstValue(ApiRoutes.HOST_ACCESS_HEADER))
                    .hasValue("denied");
            assertThat(json(status.body()).isArray()).isTrue();
            assertThat(json(health.body()).path("host_access").asText()).isEqualTo("denied");
        }
    }

    @Test
    void aPrivilegedServiceFileIsNotStartedAndProblemsSayHowToAllowIt() throws Exception {
        Path services = Files.createDirectories(work.resolve("services"));
        Files.writeString(services.resolve("root.yml"), """
                name: root
                instance_count: {min: 1, max: 1}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-fixture:latest
                      privileged: true
                """);
        Files.writeString(services.resolve("web.yml"), InProcessDaemon.WEB);
        try (InProcessDaemon daemon =
                InProcessDaemon.start(work, services, work.resolve("run/orbit.sock"), Optional.empty())) {
            await("web running", () -> daemon.running("web"), running -> !running.isEmpty());

            JsonNode problems = json(daemon.tcp("GET", "/problems", null).body());

            assertThat(problems).singleElement().satisfies(problem -> {
                assertThat(problem.path("file").asText()).isEqualTo("root.yml");
                assertThat(problem.path("field").asText()).isEqualTo("spec.containers[0].privileged");
                assertThat(problem.path("message").asText()).contains("--allow-host-access");
            });
            assertThat(daemon.runtime.listContainers(OrbitLabels.service("root")))
                    .isEmpty();
        }
    }

    @Test
    void configHashIsTheKeyedFormOfThePodsLabelAndItsKeyIsKeptWithMode0600() throws Exception {
        try (InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty())) {
            List<ContainerSummary> running = await("two pods", () -> daemon.running("web"), r -> r.size() == 2);
            String label = running.get(0).labels().get(OrbitLabels.CONFIG_HASH);

            JsonNode service = await(
                    "/status with both pods",
                    () -> json(daemon.tcp("GET", "/status", null).body()).path(0),
                    view -> view.path("pods").size() == 2);

            String shown = service.path("config_hash").asText();
            assertThat(shown).matches("[0-9a-f]{16}").isNotEqualTo(label);
            assertThat(service.path("pods").findValuesAsText("config_hash")).containsOnly(shown);
            assertThat(service.toString()).doesNotContain(label);
            assertThat(daemon.socket("GET", "/services/web", null).json().toString())
                    .contains(shown)
                    .doesNotContain(label);
            Path key = work.resolve("state/config-hash.key");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                    .isEqualTo("rw-------");
        }
    }
}
