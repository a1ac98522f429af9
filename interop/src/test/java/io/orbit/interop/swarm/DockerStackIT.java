package io.orbit.interop.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.orbit.interop.Command;
import io.orbit.interop.OrbitServices;
import io.orbit.runtime.EngineSockets;
import io.orbit.testkit.Poll;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code orbit export swarm} deployed by {@code docker stack deploy} on the test dockerd, made a one-node swarm for
 * the test and left again afterwards (only if the test made it one): 3 replicas with a health check come up, a new
 * image tag rolls out start-first, and the stack is removed. Requests reach the tasks from a {@link TaskClient} on the
 * stack's overlay network, by their addresses from Docker's DNS ({@code tasks.<service>}), since Swarm's ingress
 * routing mesh and service VIPs balance with IPVS, which this project's sandbox kernels lack ({@code CONFIG_IP_VS}
 * unset). Where {@code /proc/sys/net/ipv4/vs} exists the published port is load-tested through the rollout as well.
 */
@Tag("container-engine")
class DockerStackIT {

    private static final Duration COMMAND = Duration.ofSeconds(90);
    private static final String IMAGE =
            System.getenv().getOrDefault("ORBIT_FIXTURE_IMAGE", "localhost/orbit-fixture:latest");

    @TempDir
    Path dir;

    private List<String> docker;
    private String suffix;
    private String stack;
    private String secondTag;
    private String network;
    private final List<TaskClient> clients = new ArrayList<>();
    private boolean weMadeTheSwarm;
    private boolean weMadeTheGatewayBridge;

    @BeforeEach
    void swarm() throws Exception {
        Path socket = EngineSockets.docker();
        docker = List.of("docker", "-H", "unix://" + socket);
        suffix = "%08x".formatted(RandomGenerator.getDefault().nextInt() & 0x7fffffff);
        stack = "it-stack-" + suffix;
        secondTag = IMAGE.replaceFirst(":[^:/]+$", "") + ":it-swarm-" + suffix;
        network = "it-net-" + suffix;
    }

    /** Makes the test dockerd a one-node swarm unless it is one already (then it is left as it was). */
    private void joinSwarm() throws Exception {
        String state = swarmState();
        if (!state.equals("active")) {
            // swarm init makes docker_gwbridge, and swarm leave keeps it: removed at the end if it was made here.
            weMadeTheGatewayBridge = Command.ok(
                            COMMAND, cmd("network", "ls", "-q", "--filter", "name=^docker_gwbridge$"))
                    .isBlank();
            Command.ok(COMMAND, cmd("swarm", "init", "--advertise-addr", "127.0.0.1"));
            weMadeTheSwarm = true;
        }
    }

    private String swarmState() throws Exception {
        return Command.ok(COMMAND, cmd("info", "--format", "{{.Swarm.LocalNodeState}}"))
                .strip();
    }

    @AfterEach
    void leave() throws Exception {
        if (!weMadeTheSwarm) {
            return; // skipped before it started anything, or a swarm that is not ours
        }
        List<String> failures = new ArrayList<>();
        try {
            for (TaskClient client : clients) {
                String failure = client.remove();
                if (!failure.isEmpty()) {
                    failures.add(failure);
                }
            }
            Command.run(COMMAND, cmd("stack", "rm", stack));
            Poll.until(
                    "stack " + stack + "'s containers and network gone",
                    Duration.ofSeconds(60),
                    () -> Command.run(
                                            COMMAND,
                                            cmd(
                                                    "ps",
                                                    "-a",
                                                    "-q",
                                                    "--filter",
                                                    "label=com.docker.stack.namespace=" + stack))
                                    .stdout()
                                    .strip()
                            + Command.run(COMMAND, cmd("network", "ls", "-q", "--filter", "name=" + stack + "_"))
                                    .stdout()
                                    .strip(),
                    String::isEmpty);
            Command.run(COMMAND, cmd("network", "rm", network));
            Command.run(COMMAND, cmd("image", "rm", secondTag));
        } catch (Exception | AssertionError e) {
            failures.add(e.toString());
        } finally {
            Command command = Command.run(COMMAND, cmd("swarm", "leave", "--force"));
            if (command.exitCode() != 0 || !swarmState().equals("inactive")) {
                failures.add("swarm leave: " + command.stdout() + command.stderr() + " (state " + swarmState() + ")");
            } else if (weMadeTheGatewayBridge) {
                Command bridge = Command.run(COMMAND, cmd("network", "rm", "docker_gwbridge"));
                if (bridge.exitCode() != 0) {
                    failures.add("network rm docker_gwbridge: " + bridge.stderr());
                }
            }
        }
        assertThat(failures).as("cleanup").isEmpty();
    }

    private List<String> cmd(String... args) {
        List<String> argv = new ArrayList<>(docker);
        argv.addAll(Arrays.asList(args));
        return argv;
    }

    private Path export(String image, int port) throws IOException {
        Path services = Files.createDirectories(dir.resolve("services"));
        Files.writeString(services.resolve("web.yml"), """
                name: web
                instance_count: {min: 3, max: 3}
                memory_limit: 64Mi
                rolling_update_config: {max_surge: 1, max_unavailable: 0, timeout: 5s}
                spec:
                  containers:
                    - name: main
                      image: %s
                      ports: [{port: 8080, node_port: %d}]
                      health_check:
                        startup_timeout: 10s
                        liveness_period: 1s
                        http_check: {port: 8080, path: /, timeout: 1s}
                """.formatted(image, port));
        SwarmExporter.SwarmExport export =
                new SwarmExporter().export(OrbitServices.load(services, 4112).services(), "stack-configs");
        Path file = dir.resolve("stack.yml");
        Files.writeString(file, export.compose());
        return file;
    }

    /**
     * Deploys the export with a second Compose file that puts the stack's default network on the attachable overlay
     * the test made, so that a plain container (the {@link TaskClient}) can join it and reach the tasks.
     */
    private void deploy(Path file) throws Exception {
        Path override = dir.resolve("network.yml");
        Files.writeString(override, """
                version: "3.8"
                networks:
                  default:
                    external: true
                    name: %s
                """.formatted(network));
        Command.ok(
                COMMAND,
                cmd(
                        "stack",
                        "deploy",
                        "--resolve-image",
                        "never",
                        "-c",
                        file.toString(),
                        "-c",
                        override.toString(),
                        stack));
    }

    /** The service's tasks that should run, as "STATE IMAGE" lines. */
    private List<String> runningTasks() throws Exception {
        return Command.ok(
                        COMMAND,
                        cmd(
                                "service",
                                "ps",
                                stack + "_web",
                                "--filter",
                                "desired-state=running",
                                "--format",
                                "{{.CurrentState}} {{.Image}}"))
                .lines()
                .filter(line -> line.startsWith("Running"))
                .toList();
    }

    @Test
    void threeHealthyTasksServeEveryRequestThroughAStartFirstRolloutOfANewTag() throws Exception {
        joinSwarm();
        Command.ok(COMMAND, cmd("network", "create", "--driver", "overlay", "--attachable", network));
        int port = freePort();
        Command.ok(COMMAND, cmd("tag", IMAGE, secondTag));
        Path first = export(IMAGE, port);
        assertPublishedInIngressMode(first, port);
        deploy(first);

        // A task with a health check is Running, and in the service's DNS, only once healthy.
        Poll.until("3 healthy tasks", Duration.ofSeconds(60), this::runningTasks, tasks -> tasks.size() == 3);
        List<String> firstIps = taskAddresses(IMAGE);
        assertThat(firstIps).as("addresses of the tasks of " + IMAGE).hasSize(3);
        boolean ingress = Files.isDirectory(Path.of("/proc/sys/net/ipv4/vs"));
        if (ingress) {
            Poll.until(
                    "the published port answering", Duration.ofSeconds(30), () -> get(port), status -> status == 200);
        } else {
            System.out.println("DockerStackIT: no IPVS in this kernel (/proc/sys/net/ipv4/vs is missing), so Swarm's"
                    + " ingress routing mesh carries nothing here; the tasks are reached on the overlay network only");
        }

        TaskClient client = TaskClient.start(docker, network, "it-client-" + suffix, stack + "_web", IMAGE);
        clients.add(client);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger published = new AtomicInteger();
        List<String> publishedFailures = new ArrayList<>();
        Thread load = ingress ? publishedLoad(port, stop, published, publishedFailures) : null;
        long rollout;
        AtomicInteger lowest = new AtomicInteger(3);
        try {
            Poll.until(
                    "the client answered by the 3 tasks",
                    Duration.ofSeconds(20),
                    () -> client.report().answering(),
                    answering -> answering.containsAll(firstIps));
            long started = System.nanoTime();
            deploy(export(secondTag, port));
            Poll.until("3 healthy tasks of " + secondTag, Duration.ofSeconds(90), this::runningTasks, tasks -> {
                lowest.accumulateAndGet(tasks.size(), Math::min);
                return tasks.size() == 3 && tasks.stream().allMatch(task -> task.endsWith(secondTag));
            });
            // Swarm watches the last task for update_config.monitor (the file's timeout, 5s) before it calls it done.
            Poll.until(
                    "the update completed",
                    Duration.ofSeconds(30),
                    () -> Command.ok(
                                    COMMAND,
                                    cmd("service", "inspect", "--format", "{{.UpdateStatus.State}}", stack + "_web"))
                            .strip(),
                    "completed"::equals);
            rollout = System.nanoTime() - started;
        } finally {
            stop.set(true);
            if (load != null) {
                load.join(Duration.ofSeconds(10));
            }
        }
        List<String> secondIps = taskAddresses(secondTag);
        assertThat(secondIps).as("addresses of the tasks of " + secondTag).hasSize(3);
        Poll.until(
                "the client answered by the 3 tasks of " + secondTag + " and only by them",
                Duration.ofSeconds(20),
                () -> client.report().lastRoundAnswering(),
                Set.copyOf(secondIps)::equals);
        TaskClient.Report report = client.stop();
        System.out.printf(
                "DockerStackIT: rollout %d ms; client: %d rounds, %d GETs, %d failed, %d rounds with fewer than 3"
                        + " tasks in DNS, fewest %d; fewest healthy tasks in service ps %d%n",
                rollout / 1_000_000,
                report.rounds(),
                report.requests(),
                report.failures().size(),
                report.thinRounds(),
                report.fewestTasks(),
                lowest.get());

        // start-first: a new task is healthy before an old one stops, so the healthy count never dipped.
        assertThat(lowest.get())
                .as("fewest healthy tasks seen during the update")
                .isGreaterThanOrEqualTo(3);
        assertThat(report.requests()).as("GETs to the tasks").isGreaterThan(100);
        assertThat(report.fewestTasks())
                .as("fewest tasks in an answer to tasks.%s_web (rounds: %s)", stack, report.rounds())
                .isGreaterThanOrEqualTo(3);
        assertThat(report.answering())
                .as("tasks that answered")
                .containsAll(firstIps)
                .containsAll(secondIps);
        assertThat(report.failures())
                .as("failed GETs to the tasks during the rollout")
                .isEmpty();
        if (ingress) {
            assertThat(published.get()).as("GETs to the published port").isPositive();
            synchronized (publishedFailures) {
                assertThat(publishedFailures)
                        .as("failed GETs to the published port during the rollout")
                        .isEmpty();
            }
        }
    }

    /** The export's contract for a real cluster: the node port is published through the routing mesh. */
    private static void assertPublishedInIngressMode(Path file, int port) throws IOException {
        JsonNode ports = new YAMLMapper()
                .readTree(file.toFile())
                .path("services")
                .path("web")
                .path("ports");
        assertThat(ports.size()).as("ports of %s", file).isEqualTo(1);
        assertThat(ports.get(0).path("mode").asText()).isEqualTo("ingress");
        assertThat(ports.get(0).path("published").asInt()).isEqualTo(port);
        assertThat(ports.get(0).path("target").asInt()).isEqualTo(8080);
    }

    /** The overlay addresses of the service's running containers of that image. */
    private List<String> taskAddresses(String image) throws Exception {
        List<String> ids = Command.ok(
                        COMMAND,
                        cmd(
                                "ps",
                                "-q",
                                "--filter",
                                "label=com.docker.swarm.service.name=" + stack + "_web",
                                "--filter",
                                "status=running"))
                .lines()
                .filter(line -> !line.isBlank())
                .toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> argv = cmd(
                "inspect",
                "--format",
                "{{.Config.Image}} {{with index .NetworkSettings.Networks \"" + network + "\"}}{{.IPAddress}}{{end}}");
        argv.addAll(ids);
        return Command.ok(COMMAND, argv)
                .lines()
                .map(line -> line.split(" "))
                .filter(fields -> fields.length == 2 && fields[0].equals(image))
                .map(fields -> fields[1])
                .sorted()
                .toList();
    }

    /** GETs the published port until stopped (only where IPVS lets the routing mesh carry it). */
    private static Thread publishedLoad(int port, AtomicBoolean stop, AtomicInteger ok, List<String> failed) {
        return Thread.ofPlatform().name("swarm-gets").start(() -> {
            while (!stop.get() && ok.get() + failed.size() < 100_000) {
                int status = get(port);
                if (status == 200) {
                    ok.incrementAndGet();
                } else {
                    synchronized (failed) {
                        failed.add("status " + status);
                    }
                }
            }
        });
    }

    /** GET / on 127.0.0.1; -1 when the connection fails. */
    private static int get(int port) {
        try {
            HttpURLConnection connection = (HttpURLConnection)
                    URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(2000);
            int status = connection.getResponseCode();
            connection.getInputStream().readAllBytes();
            connection.disconnect();
            return status;
        } catch (IOException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
