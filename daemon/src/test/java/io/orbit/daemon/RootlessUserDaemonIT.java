package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.LabelSelector;
import io.orbit.runtime.podman.PodmanContainerRuntime;
import io.orbit.testkit.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The rootless end to end: the daemon runs as the unprivileged user {@code orbituser} (not as root pointed at that
 * user's socket) against that user's Podman, and serves a service through its {@code node_port} — on cgroup v1 the
 * container IPs are unreachable from the host, so the proxy must use the published 127.0.0.1 ports.
 */
@Tag("container-engine")
class RootlessUserDaemonIT {

    private static final String USER = System.getenv().getOrDefault("ORBIT_ROOTLESS_USER", "orbituser");

    @Test
    void anUnprivilegedDaemonServesItsServiceThroughTheNodePort() throws Exception {
        Path socket = EngineSockets.rootlessPodman();
        String instance = "it-rl-" + UUID.randomUUID().toString().substring(0, 6);
        String service = "rl-" + UUID.randomUUID().toString().substring(0, 6);
        int nodePort = DaemonProcess.freePort();
        int apiPort = DaemonProcess.freePort();
        // The daemon's jars and config must be readable by the user: copy them out of a root-only checkout.
        Path home = Files.createTempDirectory("orbit-rootless-");
        Path lib = Files.createDirectories(home.resolve("lib"));
        Files.copy(Path.of("target/orbit-daemon.jar"), lib.resolve("orbit-daemon.jar"));
        try (Stream<Path> jars = Files.list(Path.of("target/lib"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, lib.resolve(jar.getFileName()));
            }
        }
        Path config = Files.createDirectories(home.resolve("services"));
        Files.writeString(config.resolve(service + ".yml"), """
                name: %s
                instance_count: {min: 2, max: 2}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-fixture:latest
                      ports:
                        - port: 8080
                          node_port: %d
                """.formatted(service, nodePort));
        Path emptyConfigFile = Files.writeString(home.resolve("orbit.yaml"), "");
        makeReadableByEveryone(home);
        Path log = Path.of("target", "daemon-it", "RootlessUserDaemonIT.log");
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(
                "runuser",
                "-u",
                USER,
                "--",
                "env",
                "XDG_RUNTIME_DIR=" + socket.getParent().getParent(),
                "HOME=/tmp",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                lib + "/*",
                "io.orbit.daemon.Main",
                "-r",
                "podman",
                "--runtime-socket",
                socket.toString(),
                "-c",
                config.toString(),
                "--config-file",
                emptyConfigFile.toString(),
                "--instance",
                instance,
                "--on-exit",
                "stop",
                "--api-address",
                "127.0.0.1:" + apiPort,
                "--control-socket",
                "none"));
        Process daemon = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try (ContainerRuntime runtime = PodmanContainerRuntime.open(socket)) {
            try {
                String body = Poll.until(
                        "HTTP 200 on the node port " + nodePort,
                        Duration.ofSeconds(90),
                        () -> get("127.0.0.1", nodePort, "/"),
                        answer -> answer.startsWith("HTTP/1.1 200"),
                        () -> "daemon log: " + tail(log));

                assertThat(body).contains("orbit fixture ok");
                assertThat(daemon.descendants().map(child -> child.info().user().orElse("?")))
                        .as("the daemon's JVM (under runuser) runs as the unprivileged user")
                        .contains(USER);
                assertThat(get("127.0.0.1", apiPort, "/healthz"))
                        .contains("\"status\" : \"ok\"")
                        .contains("the proxy uses the containers' published 127.0.0.1 ports");
                assertThat(runtime.listContainers(LabelSelector.of(OrbitLabels.INSTANCE, instance)))
                        .hasSize(2)
                        .allSatisfy(container ->
                                assertThat(container.state().isRunning()).isTrue());
            } finally {
                daemon.destroy();
                daemon.waitFor(60, TimeUnit.SECONDS);
                daemon.destroyForcibly();
                for (ContainerSummary container :
                        runtime.listContainers(LabelSelector.of(OrbitLabels.INSTANCE, instance))) {
                    runtime.removeContainer(container.id());
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void makeReadableByEveryone(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path path : files.toList()) {
                Files.setPosixFilePermissions(
                        path, PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    /** A plain HTTP/1.1 GET; returns the whole answer, or "" when nothing listens yet. */
    private static String get(String host, int port, String path) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException notYet) {
            return "";
        }
    }
}
