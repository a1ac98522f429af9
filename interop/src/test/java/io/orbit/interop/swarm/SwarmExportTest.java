package io.orbit.interop.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.orbit.interop.Fixtures;
import io.orbit.interop.OrbitServices;
import io.orbit.interop.compose.ComposeImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SwarmExportTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    static Path imported;

    static Stream<Path> directories() throws IOException {
        List<Path> directories = new ArrayList<>(List.of(Fixtures.examples()));
        for (Path compose : Fixtures.composeFiles()) {
            Path dir = Files.createDirectories(
                    imported.resolve(compose.getParent().getFileName().toString()));
            for (ComposeImporter.ImportedService service : new ComposeImporter(Fixtures.ENVIRONMENT)
                    .importFile(compose)
                    .services()) {
                Files.writeString(dir.resolve(service.fileName()), service.yaml());
            }
            directories.add(dir);
        }
        return directories.stream();
    }

    @ParameterizedTest
    @MethodSource("directories")
    void sameBytesTwiceAndEveryServiceDeployable(Path directory) throws IOException {
        OrbitServices services = OrbitServices.load(directory, 4112);
        SwarmExporter.SwarmExport first = new SwarmExporter().export(services.services(), "stack-configs");
        SwarmExporter.SwarmExport second =
                new SwarmExporter().export(OrbitServices.load(directory, 4112).services(), "stack-configs");

        assertThat(second.compose()).isEqualTo(first.compose());
        assertThat(second.configFiles()).isEqualTo(first.configFiles());
        JsonNode compose = YAML.readTree(first.compose());
        assertThat(YAML.readTree(YAML.writeValueAsString(compose))).isEqualTo(compose);
        assertThat(compose.path("version").asText()).isEqualTo("3.8");
        compose.path("services").forEach(service -> {
            assertThat(service.path("image").asText()).isNotEmpty();
            JsonNode deploy = service.path("deploy");
            assertThat(deploy.path("update_config").path("failure_action").asText())
                    .isEqualTo("rollback");
            assertThat(deploy.has("replicas")).isTrue();
        });
        compose.path("configs")
                .forEach(config -> assertThat(first.configFiles())
                        .containsKey(config.path("file").asText().substring(2)));
        first.warnings().forEach(warning -> assertThat(first.compose()).contains("#   " + warning));
    }

    @Test
    void healthUpdateAndPorts() throws IOException {
        Path dir = Files.createTempDirectory(imported, "health");
        Files.copy(Fixtures.examples().resolve("health.yml"), dir.resolve("health.yml"));

        SwarmExporter.SwarmExport export =
                new SwarmExporter().export(OrbitServices.load(dir, 4112).services(), "c");

        JsonNode health = YAML.readTree(export.compose()).path("services").path("health");
        assertThat(health.path("deploy").path("replicas").asInt()).isEqualTo(2);
        JsonNode update = health.path("deploy").path("update_config");
        assertThat(update.path("order").asText()).isEqualTo("start-first");
        assertThat(update.path("parallelism").asInt()).isEqualTo(1);
        assertThat(update.path("monitor").asText()).isEqualTo("60s");
        assertThat(health.path("deploy").path("rollback_config").path("order").asText())
                .isEqualTo("start-first");
        assertThat(health.path("ports").get(0).toString())
                .isEqualTo("{\"target\":8080,\"published\":8084,\"protocol\":\"tcp\",\"mode\":\"ingress\"}");
        JsonNode check = health.path("healthcheck");
        assertThat(check.path("test").get(1).asText())
                .isEqualTo("wget -q -O /dev/null http://127.0.0.1:8080/cgi-bin/health && nc -z 127.0.0.1 8080");
        assertThat(check.path("interval").asText()).isEqualTo("2s");
        assertThat(check.path("retries").asInt()).isEqualTo(2);
        assertThat(check.path("start_period").asText()).isEqualTo("30s");
    }

    @Test
    void sidecarsBecomeServicesNamedAsTheirAliases() throws IOException {
        Path dir = Files.createTempDirectory(imported, "sidecar");
        Files.copy(Fixtures.examples().resolve("sidecar.yml"), dir.resolve("sidecar.yml"));

        SwarmExporter.SwarmExport export =
                new SwarmExporter().export(OrbitServices.load(dir, 4112).services(), "c");

        JsonNode services = YAML.readTree(export.compose()).path("services");
        assertThat(services.has("sidecar-main")).isTrue();
        assertThat(services.has("sidecar-proxy")).isTrue();
        assertThat(services.path("sidecar-main")
                        .path("networks")
                        .path("default")
                        .path("aliases")
                        .get(0)
                        .asText())
                .isEqualTo("sidecar-main");
    }
}
