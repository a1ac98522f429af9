package io.orbit.interop.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.interop.Command;
import io.orbit.interop.OrbitServices;
import io.orbit.interop.Poll;
import io.orbit.runtime.EngineSockets;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code orbit export swarm} deployed by {@code docker stack deploy} on the test dockerd, made a one-node swarm for
 * the test and left again afterwards (only if the test made it one): 3 replicas with a health check come up, a new
 * image tag rolls out start-first, and the stack is removed. The published port is checked through Swarm's ingress
 * routing mesh where the kernel has IPVS, which the mesh balances with; without it ({@code CONFIG_IP_VS} unset, as in
 * this project's sandbox VMs) no connection reaches a task, and that test is skipped with the reason.
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
    private boolean weMadeTheSwarm;

    @BeforeEach
    void swarm() throws Exception {
        Path socket = EngineSockets.docker();
        docker = List.of("docker", "-H", "unix://" + socket);
        suffix = "%08x".formatted(RandomGenerator.getDefault().nextInt() & 0x7fffffff);
        stack = "it-stack-" + suffix;
        secondTag = IMAGE.replaceFirst(":[^:/]+$", "") + ":it-swarm-" + suffix;
    }

    /** Makes the test dockerd a one-node swarm unless it is one already (then it is left as it was). */
    private void joinSwarm() throws Exception {
        String state = swarmState();
        if (!state.equals("active")) {
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
            Command.run(COMMAND, cmd("image", "rm", secondTag));
        } catch (Exception | AssertionError e) {
            failures.add(e.toString());
        } finally {
            Command command = Command.run(COMMAND, cmd("swarm", "leave", "--force"));
            if (command.exitCode() != 0 || !swarmState().equals("inactive")) {
                failures.add("swarm leave: " + command.stdout() + command.stderr() + " (state " + swarmState() + ")");
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

    private void deploy(Path file) throws Exception {
        Command.ok(COMMAND, cmd("stack", "deploy", "--resolve-image", "never", "-c", file.toString(), stack));
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
    void threeHealthyReplicasThenAStartFirstRolloutOfANewTag() throws Exception {
        joinSwarm();
        Command.ok(COMMAND, cmd("tag", IMAGE, secondTag));
        deploy(export(IMAGE, freePort()));

        // A task with a health check is Running only once healthy.
        Poll.until("3 healthy tasks", Duration.ofSeconds(60), this::runningTasks, tasks -> tasks.size() == 3);

        deploy(export(secondTag, freePort()));
        AtomicInteger lowest = new AtomicInteger(3);
        Poll.until("3 healthy tasks of " + secondTag, Duration.ofSeconds(90), this::runningTasks, tasks -> {
            lowest.accumulateAndGet(tasks.size(), Math::min);
            return tasks.size() == 3 && tasks.stream().allMatch(task -> task.endsWith(secondTag));
        });
        // start-first: a new task is healthy before an old one stops, so the healthy count never dipped.
        assertThat(lowest.get())
                .as("fewest healthy tasks seen during the update")
                .isGreaterThanOrEqualTo(3);
        // Swarm watches the last task for update_config.monitor (the file's timeout, 5s) before it calls it done.
        Poll.until(
                "the update completed",
                Duration.ofSeconds(30),
                () -> Command.ok(
                                COMMAND,
                                cmd("service", "inspect", "--format", "{{.UpdateStatus.State}}", stack + "_web"))
                        .strip(),
                "completed"::equals);
    }

    @Test
    void thePublishedPortAnswersThroughTheRolloutWithoutAFailedRequest() throws Exception {
        Assumptions.assumeTrue(
                Files.isDirectory(Path.of("/proc/sys/net/ipv4/vs")),
                "this kernel has no IPVS (CONFIG_IP_VS is not set: /proc/sys/net/ipv4/vs is missing), which Swarm's"
                        + " ingress routing mesh balances published ports with; no connection to a published port"
                        + " reaches a task here");
        joinSwarm();
        int port = freePort();
        Command.ok(COMMAND, cmd("tag", IMAGE, secondTag));
        deploy(export(IMAGE, port));
        Poll.until("3 healthy tasks", Duration.ofSeconds(60), this::runningTasks, tasks -> tasks.size() == 3);
        Poll.until("the published port answering", Duration.ofSeconds(30), () -> get(port), status -> status == 200);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        List<String> failed = new ArrayList<>();
        Thread load = Thread.ofPlatform().name("swarm-gets").start(() -> {
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
        try {
            deploy(export(secondTag, port));
            Poll.until(
                    "3 healthy tasks of " + secondTag,
                    Duration.ofSeconds(90),
                    this::runningTasks,
                    tasks -> tasks.size() == 3 && tasks.stream().allMatch(task -> task.endsWith(secondTag)));
        } finally {
            stop.set(true);
            load.join(Duration.ofSeconds(10));
        }
        assertThat(ok.get()).isPositive();
        synchronized (failed) {
            assertThat(failed).as("failed requests during the rollout").isEmpty();
        }
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
