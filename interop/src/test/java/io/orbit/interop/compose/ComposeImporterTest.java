package io.orbit.interop.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.orbit.engine.config.ServiceFileParser;
import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.interop.Fixtures;
import io.orbit.interop.InteropException;
import io.orbit.interop.Warning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ComposeImporterTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    static List<Path> fixtures() throws IOException {
        return Fixtures.composeFiles();
    }

    private static ComposeImporter.Result importFixture(String name) {
        return new ComposeImporter(Fixtures.ENVIRONMENT).importFile(Fixtures.compose(name));
    }

    private static JsonNode service(ComposeImporter.Result result, String name) throws IOException {
        return YAML.readTree(result.services().stream()
                .filter(service -> service.name().equals(name))
                .findFirst()
                .orElseThrow()
                .yaml());
    }

    private static JsonNode main(ComposeImporter.Result result, String name) throws IOException {
        return service(result, name).path("spec").path("containers").get(0);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyFixtureImportsIntoFilesTheEnginesValidatorAccepts(Path compose) {
        ComposeImporter.Result result = new ComposeImporter(Fixtures.ENVIRONMENT).importFile(compose);

        assertThat(result.services()).isNotEmpty();
        assertThat(result.problems()).filteredOn(SpecProblem::isError).isEmpty();
        assertThat(result.valid()).isTrue();
        // Checked again from the text alone, as `orbit validate` reads the written files.
        ServiceFileParser parser = new ServiceFileParser();
        List<ParsedFile> parsed = result.services().stream()
                .map(service -> parser.parse(Path.of(service.fileName()), service.yaml()))
                .toList();
        SpecValidator.Result validation = SpecValidator.validate(parsed, SpecValidator.DEFAULT_API_PORT);
        assertThat(validation.errors()).isEmpty();
        assertThat(validation.warnings()).isEmpty();
        assertThat(validation.services()).hasSize(result.services().size());
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyWarningIsAlsoACommentInItsServiceFile(Path compose) {
        ComposeImporter.Result result = new ComposeImporter(Fixtures.ENVIRONMENT).importFile(compose);

        for (ComposeImporter.ImportedService service : result.services()) {
            for (Warning warning : service.warnings()) {
                assertThat(warning.file()).isEqualTo(compose.toString());
                assertThat(service.yaml()).contains("#   " + warning);
            }
        }
        assertThat(result.warnings())
                .containsAll(result.services().stream()
                        .flatMap(service -> service.warnings().stream())
                        .toList());
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void anImportIsDeterministic(Path compose) {
        ComposeImporter.Result first = new ComposeImporter(Fixtures.ENVIRONMENT).importFile(compose);
        ComposeImporter.Result second = new ComposeImporter(Fixtures.ENVIRONMENT).importFile(compose);

        assertThat(second.services()).isEqualTo(first.services());
    }

    @Test
    void webAppWithDatabaseAndCache() throws IOException {
        ComposeImporter.Result result = importFixture("webapp-db-cache");

        assertThat(result.services())
                .extracting(ComposeImporter.ImportedService::name)
                .containsExactly("web", "db", "cache");
        JsonNode web = main(result, "web");
        assertThat(service(result, "web").path("network").asText()).isEqualTo("webapp-db-cache_default");
        assertThat(web.path("ports").get(0).path("node_port").asInt()).isEqualTo(8000);
        assertThat(web.path("env").path("DEBUG").asText()).isEqualTo("false");
        JsonNode health = web.path("health_check");
        assertThat(health.path("http_check").path("port").asInt()).isEqualTo(8000);
        assertThat(health.path("http_check").path("path").asText()).isEqualTo("/healthz");
        assertThat(health.path("http_check").path("timeout").asText()).isEqualTo("2s");
        assertThat(health.path("liveness_period").asText()).isEqualTo("10s");
        assertThat(health.path("liveness_failure_threshold").asInt()).isEqualTo(5);
        assertThat(health.path("startup_timeout").asText()).isEqualTo("70s"); // start_period + interval x retries
        // pg_isready is no HTTP or TCP probe: an exec_check through the shell, as CMD-SHELL ran it.
        assertThat(main(result, "db").path("health_check").path("exec_check").path("command"))
                .extracting(JsonNode::asText)
                .containsExactly("/bin/sh", "-c", "pg_isready -U shop -d shop");
        assertThat(service(result, "db")
                        .path("volumes")
                        .path("dbdata")
                        .path("named_volume")
                        .path("name")
                        .asText())
                .isEqualTo("webapp-db-cache_dbdata");
        JsonNode cache = main(result, "cache");
        assertThat(cache.path("command"))
                .extracting(JsonNode::asText)
                .containsExactly("redis-server", "--appendonly", "yes", "--maxmemory", "64mb");
        assertThat(cache.path("memory_limit").asText()).isEqualTo("128M");
        assertThat(cache.path("cpu_limit").asDouble()).isEqualTo(0.25);
        assertThat(service(result, "cache")
                        .path("volumes")
                        .path("cachedata")
                        .path("named_volume")
                        .path("labels")
                        .path("com.example.backup")
                        .asText())
                .isEqualTo("nightly");
        assertThat(result.warnings())
                .anySatisfy(warning -> assertThat(warning.field()).isEqualTo("services.web.depends_on"));
    }

    @Test
    void reverseProxyWithAnInlineConfig() throws IOException {
        ComposeImporter.Result result = importFixture("reverse-proxy");

        JsonNode proxy = service(result, "proxy");
        assertThat(proxy.path("network").asText()).isEqualTo("blog_default");
        JsonNode volume = proxy.path("volumes").path("config-nginx_conf");
        assertThat(volume.path("files").path("default.conf").asText()).contains("proxy_pass http://app:2368;");
        assertThat(volume.path("permissions").asText()).isEqualTo("0444");
        JsonNode mount = main(result, "proxy").path("volume_mounts").get(0);
        assertThat(mount.path("mount_path").asText()).isEqualTo("/etc/nginx/conf.d/default.conf");
        assertThat(mount.path("sub_path").asText()).isEqualTo("default.conf");
        assertThat(main(result, "proxy").path("ports"))
                .extracting(port ->
                        port.path("port").asInt() + ":" + port.path("node_port").asInt())
                .containsExactly("8080:80", "8443:8443");
        assertThat(result.warnings())
                .anySatisfy(warning -> assertThat(warning.field()).isEqualTo("services.proxy.ports[1]"));
        assertThat(main(result, "proxy")
                        .path("health_check")
                        .path("http_check")
                        .path("port")
                        .asInt())
                .isEqualTo(8080);
        assertThat(main(result, "app").path("ports").get(0).path("port").asInt())
                .isEqualTo(2368);
        assertThat(main(result, "app").path("env").path("database__client").asText())
                .isEqualTo("sqlite3");

        // nginx.conf names the app by its Compose name, which does not resolve under Orbit: said, with where.
        assertThat(result.warnings())
                .anySatisfy(warning -> assertThat(warning.toString())
                        .contains("services.app: reached as 'app' in configs.nginx_conf; under Orbit")
                        .contains("as 'app-main'"));
        assertThat(result.warnings())
                .noneSatisfy(warning -> assertThat(warning.field()).isEqualTo("services.proxy"));
    }

    @Test
    void workerWithAQueue() throws IOException {
        ComposeImporter.Result result = importFixture("worker-queue");

        assertThat(main(result, "queue")
                        .path("health_check")
                        .path("tcp_check")
                        .path("port")
                        .asInt())
                .isEqualTo(5672);
        JsonNode worker = service(result, "worker");
        assertThat(worker.path("instance_count").path("min").asInt()).isEqualTo(3);
        assertThat(worker.path("instance_count").path("max").asInt()).isEqualTo(3);
        assertThat(main(result, "worker").path("memory_limit").asText()).isEqualTo("256M");
        assertThat(main(result, "worker").path("cpu_limit").asDouble()).isEqualTo(0.5);
        assertThat(result.warnings())
                .extracting(Warning::field)
                .contains(
                        "services.worker.deploy.resources.reservations",
                        "services.worker.deploy.restart_policy",
                        "services.worker.stop_grace_period",
                        "services.queue.hostname");
    }

    @Test
    void interpolationFromTheEnvironmentAndDotEnv() throws IOException {
        Map<String, String> environment = new HashMap<>(Fixtures.ENVIRONMENT);
        environment.put("GREETING", "from the shell"); // the process environment wins over .env
        ComposeImporter.Result result = new ComposeImporter(environment).importFile(Fixtures.compose("interpolation"));

        JsonNode app = main(result, "app");
        assertThat(app.path("image").asText()).isEqualTo("localhost/orbit-fixture:latest");
        assertThat(app.path("ports").get(0).path("node_port").asInt()).isEqualTo(18581);
        JsonNode env = app.path("env");
        assertThat(env.path("GREETING").asText()).isEqualTo("from the shell");
        assertThat(env.path("REGION").asText()).isEqualTo("eu-west-1");
        assertThat(env.path("SECRET_REF").asText()).isEqualTo("from-dotenv");
        assertThat(env.path("FEATURE").asText()).isEmpty();
        assertThat(env.path("PRICE").asText()).isEqualTo("$5");
        assertThat(env.path("NESTED").asText()).isEqualTo("deep-default");
        assertThat(env.path("FROM_DOTENV").asText()).isEqualTo("single quoted $not_expanded");
        assertThat(env.path("LOG_LEVEL").asText()).isEqualTo("debug");
        assertThat(env.path("MODE").asText()).isEqualTo("production");
        assertThat(env.path("EMPTY").asText()).isEmpty();
        assertThat(service(result, "app").path("instance_count").path("min").asInt())
                .isEqualTo(1);
    }

    @Test
    void withoutDotEnvARequiredVariableIsAnErrorNamingItAndTheFix(@TempDir Path dir) throws IOException {
        Path compose = dir.resolve("compose.yaml");
        Files.writeString(compose, "services:\n  app:\n    image: x:${TAG:?set TAG to the release}\n");

        assertThatThrownBy(() -> new ComposeImporter(Map.of()).importFile(compose))
                .isInstanceOf(InteropException.class)
                .hasMessageContaining("services.app.image")
                .hasMessageContaining("TAG is not set: set TAG to the release");
    }

    @Test
    void anUnsetVariableIsAWarning(@TempDir Path dir) throws IOException {
        Path compose = dir.resolve("compose.yaml");
        Files.writeString(compose, "services:\n  app:\n    image: x:1\n    environment:\n      A: \"${NOPE}\"\n");

        ComposeImporter.Result result = new ComposeImporter(Map.of()).importFile(compose);

        assertThat(result.warnings())
                .anySatisfy(warning -> assertThat(warning.toString())
                        .contains("services.app.environment.A: variable NOPE is not set"));
    }

    @Test
    void portAndVolumeSyntaxes() throws IOException {
        ComposeImporter.Result result = importFixture("ports-volumes");

        JsonNode edge = main(result, "edge");
        assertThat(edge.path("ports"))
                .extracting(port -> port.toString())
                .containsExactly(
                        "{\"port\":8080,\"node_port\":18601}",
                        "{\"port\":9000,\"node_port\":18610}",
                        "{\"port\":9001,\"node_port\":18611}",
                        "{\"port\":9100,\"node_port\":18620}",
                        "{\"port\":9200,\"node_port\":18630}",
                        "{\"port\":53,\"target_port\":5353,\"protocol\":\"UDP\"}",
                        "{\"port\":7000}",
                        "{\"port\":9300,\"node_port\":18640}");
        JsonNode volumes = service(result, "edge").path("volumes");
        Path base = Fixtures.compose("ports-volumes").getParent();
        assertThat(volumes.path("site").path("host_path").asText())
                .isEqualTo(base.resolve("site").toString());
        assertThat(volumes.path("edge-cache").path("named_volume").path("name").asText())
                .isEqualTo("ports-volumes_edge-cache");
        assertThat(volumes.path("edge-cache")
                        .path("named_volume")
                        .path("driver_opts")
                        .path("type")
                        .asText())
                .isEqualTo("tmpfs");
        assertThat(volumes.path("shared").path("named_volume").path("name").asText())
                .isEqualTo("team-shared-data");
        assertThat(edge.path("volume_mounts"))
                .extracting(mount -> mount.path("mount_path").asText() + ":"
                        + mount.path("read_only").asBoolean())
                .containsExactly(
                        "/srv/site:true", "/var/log/edge:false", "/cache:false", "/etc/certs:true", "/shared:false");
        assertThat(result.warnings())
                .extracting(Warning::field)
                .contains(
                        "services.edge.ports[3]",
                        "services.edge.ports[5]",
                        "services.edge.ports[6].host_ip",
                        "services.edge.ports[6].name",
                        "services.edge.volumes[3]",
                        "services.edge.volumes[5].volume",
                        "services.edge.volumes[6]");
    }

    @Test
    void deployAndEveryHealthCheckForm() throws IOException {
        ComposeImporter.Result result = importFixture("deploy-health");

        JsonNode api = service(result, "api");
        assertThat(api.path("instance_count").path("min").asInt()).isEqualTo(4);
        assertThat(api.path("rolling_update_config").toString())
                .isEqualTo("{\"max_surge\":2,\"max_unavailable\":0,\"timeout\":\"45s\"}");
        assertThat(main(result, "api").path("memory_limit").asText()).isEqualTo("1.5G");
        JsonNode health = main(result, "api").path("health_check");
        assertThat(health.path("http_check").path("path").asText()).isEqualTo("/health?deep=1");
        assertThat(health.path("http_check").path("timeout").asText()).isEqualTo("500ms");
        assertThat(health.path("liveness_period").asText()).isEqualTo("90s");
        assertThat(health.path("startup_timeout").asText()).isEqualTo("240s");
        // curl without -f passes on any HTTP answer: so does the imported check.
        assertThat(main(result, "lenient")
                        .path("health_check")
                        .path("http_check")
                        .path("expected_status")
                        .asText())
                .isEqualTo("100-599");
        assertThat(main(result, "tcp")
                        .path("health_check")
                        .path("tcp_check")
                        .path("port")
                        .asInt())
                .isEqualTo(9000);
        assertThat(main(result, "tcp").path("memory_limit").asText()).isEqualTo("256M");
        assertThat(main(result, "custom")
                        .path("health_check")
                        .path("exec_check")
                        .path("command"))
                .extracting(JsonNode::asText)
                .containsExactly("/bin/check", "--strict");
        assertThat(service(result, "custom").path("rolling_update_config").toString())
                .isEqualTo("{\"max_surge\":0,\"max_unavailable\":2,\"timeout\":\"300s\"}");
        assertThat(main(result, "silent").has("health_check")).isFalse();
        assertThat(result.warnings())
                .extracting(Warning::field)
                .contains(
                        "services.api.deploy.update_config.delay",
                        "services.api.deploy.rollback_config",
                        "services.api.deploy.placement",
                        "services.api.healthcheck.start_interval",
                        "services.custom.deploy.update_config.failure_action");
    }

    @Test
    void anchorsMergeKeysExtensionsProfilesLabelsAndNetworks() throws IOException {
        ComposeImporter.Result result = importFixture("anchors-extensions");

        JsonNode frontend = main(result, "frontend");
        assertThat(frontend.path("env").path("TZ").asText()).isEqualTo("UTC"); // merged from the x-defaults anchor
        assertThat(frontend.path("env").path("API").asText()).isEqualTo("http://backend:8080");
        assertThat(service(result, "frontend").path("pull_policy").asText()).isEqualTo("Always");
        assertThat(service(result, "frontend").path("network").asText()).isEqualTo("anchors-extensions_front");
        assertThat(result.warnings())
                .extracting(Warning::field)
                .contains(
                        "version",
                        "x-defaults",
                        "x-owner",
                        "x-unused",
                        "networks.back.driver",
                        "networks.back.internal",
                        "services.frontend.restart",
                        "services.frontend.logging",
                        "services.frontend.labels",
                        "services.frontend.networks",
                        "services.backend.profiles",
                        "services.backend.labels",
                        "services.backend.networks.back",
                        "services.backend.pull_policy",
                        "services.backend.x-note",
                        "services.backend.container_name");
    }

    @Test
    void theRunnableFixtureKeepsItsConfigFileVolumeAndHealthCheck() throws IOException {
        ComposeImporter.Result result = importFixture("fixture-app");

        assertThat(result.warnings()).isEmpty();
        JsonNode web = service(result, "web");
        assertThat(web.path("volumes")
                        .path("config-motd")
                        .path("files")
                        .path("motd.txt")
                        .asText())
                .isEqualTo("hello from an imported config\n");
        assertThat(web.path("volumes")
                        .path("data")
                        .path("named_volume")
                        .path("name")
                        .asText())
                .isEqualTo("orbit-import-app_data");
        assertThat(main(result, "web")
                        .path("health_check")
                        .path("http_check")
                        .path("port")
                        .asInt())
                .isEqualTo(8080);
    }

    @Test
    void scalarsAreTypedAsComposeTypesThemNotAsYaml11Would(@TempDir Path dir) throws IOException {
        Path compose = dir.resolve("compose.yaml");
        Files.writeString(compose, """
                services:
                  ssh:
                    image: x:1
                    ports:
                      - 22:22
                    environment:
                      ENABLED: yes
                      SWITCH: on
                      RELEASED: 2024-01-31
                """);

        JsonNode ssh = main(new ComposeImporter(Map.of()).importFile(compose), "ssh");

        // YAML 1.1 reads 22:22 as 1342 (base 60); Compose reads the string.
        assertThat(ssh.path("ports").get(0).toString()).isEqualTo("{\"port\":22,\"node_port\":22}");
        assertThat(ssh.path("env").path("ENABLED").asText()).isEqualTo("yes");
        assertThat(ssh.path("env").path("SWITCH").asText()).isEqualTo("on");
        assertThat(ssh.path("env").path("RELEASED").asText()).isEqualTo("2024-01-31");
    }

    @Test
    void brokenInputIsAnErrorNamingTheFileAndField(@TempDir Path dir) throws IOException {
        Path compose = dir.resolve("compose.yaml");
        Files.writeString(compose, "services:\n  app:\n    ports: [\"80:notaport\"]\n    image: x\n");
        assertThatThrownBy(() -> new ComposeImporter(Map.of()).importFile(compose))
                .hasMessageContaining(compose + ": services.app.ports[0]: 'notaport' is not a port");

        Files.writeString(compose, "services:\n  app:\n    command: echo\n");
        assertThatThrownBy(() -> new ComposeImporter(Map.of()).importFile(compose))
                .hasMessageContaining("services.app: has no image");

        Files.writeString(compose, "services:\n  a: {image: x}\n  a: {image: y}\n");
        assertThatThrownBy(() -> new ComposeImporter(Map.of()).importFile(compose))
                .hasMessageContaining("not valid YAML")
                .hasMessageContaining("duplicate key");

        assertThatThrownBy(() -> new ComposeImporter(Map.of()).importFile(dir.resolve("missing.yaml")))
                .hasMessageContaining("no such file");
    }

    @Test
    void servicesThatWouldNotValidateTogetherAreReportedNotWritten(@TempDir Path dir) throws IOException {
        Path compose = dir.resolve("compose.yaml");
        Files.writeString(compose, "services:\n  a: {image: x, ports: [\"4112:80\"]}\n");

        ComposeImporter.Result result = new ComposeImporter(Map.of()).importFile(compose);

        assertThat(result.valid()).isFalse();
        assertThat(result.problems())
                .anySatisfy(problem -> assertThat(problem.toString()).contains("4112"));
    }
}
