package io.orbit.interop.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orbit.interop.Command;
import io.orbit.interop.OrbitServices;
import io.orbit.runtime.EngineSockets;
import io.orbit.testkit.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code orbit export kube --podman} run by {@code podman kube play} on the real rootful Podman: the containers have
 * the image, env, memory and CPU limits, mounted inline files (a ConfigMap) and sibling names (hostAliases) the
 * service file asked for. Podman's pods need an infra image, which Podman 4.3 builds itself from Debian's catatonit
 * (scripts/setup-engines.sh installs it); no registry is contacted.
 */
@Tag("container-engine")
class PodmanKubePlayIT {

    private static final Duration COMMAND = Duration.ofSeconds(90);
    private static final String IMAGE =
            System.getenv().getOrDefault("ORBIT_FIXTURE_IMAGE", "localhost/orbit-fixture:latest");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private List<String> podman;
    private String service;
    private Path yaml;

    @BeforeEach
    void engine() {
        Path socket = EngineSockets.podman();
        podman = List.of("podman", "--remote", "--url", "unix://" + socket);
        service = "it-kube-%08x".formatted(RandomGenerator.getDefault().nextInt() & 0x7fffffff);
    }

    @AfterEach
    void down() throws Exception {
        if (yaml != null && Files.exists(yaml)) {
            Command.run(COMMAND, cmd("kube", "down", yaml.toString()));
            // kube down leaves volumes: the claim's, and the one Podman made for the ConfigMap.
            Command.run(COMMAND, cmd("volume", "rm", "--force", service + "-data", service + "-conf"));
        }
    }

    private List<String> cmd(String... args) {
        List<String> argv = new ArrayList<>(podman);
        argv.addAll(List.of(args));
        return argv;
    }

    @Test
    void podmanKubePlayRunsTheExportAsTheServiceFileAsked() throws Exception {
        Path services = Files.createDirectory(dir.resolve("services"));
        Files.writeString(services.resolve("svc.yml"), """
                name: %1$s
                memory_limit: 64Mi
                cpu_limit: 0.5
                instance_count: {min: 1, max: 1}
                volumes:
                  conf:
                    files:
                      app.conf: "greeting=hello\\n"
                  data:
                    named_volume: {name: %1$s-data}
                spec:
                  containers:
                    - name: web
                      image: %2$s
                      env: {GREETING: hello, PORT: "8080"}
                      ports: [{port: 8080}]
                      volume_mounts:
                        - {name: conf, mount_path: /etc/conf.d}
                        - {name: data, mount_path: /data, read_only: false}
                      health_check:
                        liveness_period: 5s
                        tcp_check: {port: 8080}
                    - name: side
                      image: %2$s
                      env: {PORT: "8081"}
                      memory_limit: 32Mi
                      cpu_limit: 0.25
                """.formatted(service, IMAGE));
        KubeExport export = new KubeExporter(new KubeOptions(Optional.empty(), KubeOptions.ServiceType.NodePort, true))
                .export(OrbitServices.load(services, 4112).services());
        yaml = dir.resolve("kube.yaml");
        Files.writeString(yaml, KubeYaml.write(export.objects(), export.warnings(), "PodmanKubePlayIT"));

        Command.ok(COMMAND, cmd("kube", "play", yaml.toString()));

        String pod = service + "-pod-0";
        Poll.until(
                "pod " + pod + " running",
                Duration.ofSeconds(30),
                () -> Command.run(COMMAND, cmd("pod", "inspect", "--format", "{{.State}}", pod))
                        .stdout()
                        .strip(),
                "Running"::equals);
        JsonNode web = inspect(pod + "-web");
        assertThat(web.path("ImageName").asText()).isEqualTo(IMAGE);
        assertThat(web.path("Config").path("Env")).extracting(JsonNode::asText).contains("GREETING=hello");
        assertThat(web.path("HostConfig").path("Memory").asLong()).isEqualTo(64L << 20);
        assertThat(cpus(web)).isEqualTo(0.5);
        JsonNode side = inspect(pod + "-side");
        assertThat(side.path("HostConfig").path("Memory").asLong()).isEqualTo(32L << 20);
        assertThat(cpus(side)).isEqualTo(0.25);
        // The inline file, from the ConfigMap.
        assertThat(Command.ok(COMMAND, cmd("exec", pod + "-web", "cat", "/etc/conf.d/app.conf")))
                .isEqualTo("greeting=hello\n");
        // The names Orbit's siblings use resolve (hostAliases) and reach the sibling over the pod's shared network.
        assertThat(Command.ok(COMMAND, cmd("exec", pod + "-web", "cat", "/etc/hosts")))
                .contains("127.0.0.1\t" + service + "-side")
                .contains("127.0.0.1\t" + service + "-web");
        String sibling = Poll.until(
                "the sibling answering on " + service + "-side:8081",
                Duration.ofSeconds(20),
                () -> Command.run(
                                COMMAND,
                                cmd("exec", pod + "-web", "wget", "-q", "-O", "-", "http://" + service + "-side:8081/"))
                        .stdout(),
                out -> !out.isBlank());
        assertThat(sibling).contains("orbit fixture");
        // The named volume is writable.
        Command.ok(COMMAND, cmd("exec", pod + "-web", "sh", "-c", "echo kept > /data/probe && cat /data/probe"));
    }

    private JsonNode inspect(String container) throws Exception {
        return JSON.readTree(Command.ok(COMMAND, cmd("inspect", container))).get(0);
    }

    private static double cpus(JsonNode container) {
        JsonNode host = container.path("HostConfig");
        if (host.path("NanoCpus").asLong() > 0) {
            return host.path("NanoCpus").asLong() / 1e9;
        }
        return (double) host.path("CpuQuota").asLong() / host.path("CpuPeriod").asLong();
    }
}
