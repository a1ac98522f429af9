package io.orbit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.orbit.testkit.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ContainerRuntime} promises, run against real engines by each adapter's {@code *IT}
 * and against {@link io.orbit.runtime.testing.InMemoryContainerRuntime} by its unit test (docker-java's TCK idiom).
 *
 * <p>Each test labels what it creates with a per-class run id and everything carrying it is removed afterwards, so
 * a failing test leaves nothing behind and parallel runs on one engine do not see each other.
 *
 * <p>The workloads are commands of the fixture image ({@code scripts/build-images.sh}): busybox with {@code
 * /bin/serve} (httpd on 8080, exits on SIGTERM) as its default command.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ContainerRuntimeContract {

    protected static final String RUN_LABEL = "io.orbit.test.run";
    protected static final List<String> SLEEP_FOREVER = List.of("sleep", "3600");
    protected static final int HTTP_PORT = 8080;

    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private ContainerRuntime runtime;

    /** Creates the runtime under test; called once per test class. */
    protected abstract ContainerRuntime createRuntime();

    /** An image the engine has locally, whose default command serves HTTP on 8080. */
    protected String fixtureImage() {
        return System.getenv().getOrDefault("ORBIT_FIXTURE_IMAGE", "localhost/orbit-fixture:latest");
    }

    @BeforeAll
    final void createRuntimeUnderTest() {
        runtime = createRuntime();
    }

    @AfterAll
    final void closeRuntimeUnderTest() {
        runtime.close();
    }

    @AfterEach
    final void removeEverythingThisRunCreated() {
        LabelSelector mine = LabelSelector.of(RUN_LABEL, runId);
        for (ContainerSummary container : runtime.listContainers(mine)) {
            runtime.removeContainer(container.id());
        }
        for (NetworkDetails network : runtime.listNetworks(mine)) {
            runtime.removeNetwork(network.name());
        }
        for (String volume : createdVolumes) {
            try {
                runtime.removeVolume(volume);
            } catch (NotFoundException alreadyGone) {
                // removed by the test itself
            }
        }
        createdVolumes.clear();
    }

    private final List<String> createdVolumes = new ArrayList<>();

    protected final ContainerRuntime runtime() {
        return runtime;
    }

    protected final String uniqueName(String purpose) {
        return "orbit-test-" + runId + "-" + purpose;
    }

    protected final ContainerSpec.Builder container(String purpose) {
        return ContainerSpec.builder(uniqueName(purpose), fixtureImage())
                .label(RUN_LABEL, runId)
                .stopTimeout(Duration.ofSeconds(2));
    }

    /** The label value that marks everything this test class created. */
    protected final String runId() {
        return runId;
    }

    protected final String createAndStart(ContainerSpec spec) {
        String id = runtime.createContainer(spec);
        runtime.startContainer(id);
        return id;
    }

    // ---- engine -------------------------------------------------------------------------------------------

    @Test
    void infoNamesTheEngineAndWhatWorks() {
        EngineInfo info = runtime.info();

        assertThat(info.engine()).isIn("podman", "docker", "in-memory");
        assertThat(info.version()).isNotBlank();
        assertThat(info.cgroupVersion()).isIn(1, 2);
        assertThat(info.endpoint()).isNotBlank();
        if (info.rootless() && info.cgroupVersion() == 1) {
            assertThat(info.capabilities())
                    .as("rootless on cgroup v1 drops limits and has no stats; the adapter must say so")
                    .doesNotContain(EngineInfo.Capability.RESOURCE_LIMITS, EngineInfo.Capability.STATS);
        }
    }

    @Test
    void pingAnswersWhileTheEngineRuns() {
        assertThatCode(runtime::ping).doesNotThrowAnyException();
    }

    // ---- container lifecycle ------------------------------------------------------------------------------

    @Test
    void containerGoesThroughCreatedRunningExited() {
        String id = runtime.createContainer(container("life")
                .label("io.orbit.test.role", "web")
                .env("GREETING", "hello")
                .build());

        ContainerDetails created = runtime.inspectContainer(id);
        assertThat(created.state()).isEqualTo(ContainerState.CREATED);
        assertThat(created.name()).isEqualTo(uniqueName("life"));
        assertThat(created.labels()).containsEntry("io.orbit.test.role", "web").containsEntry(RUN_LABEL, runId);
        assertThat(created.startedAt()).isEmpty();
        assertThat(created.imageId()).isNotBlank().doesNotStartWith("sha256:");
        assertThat(created.pid()).as("a created container has no process").isZero();

        runtime.startContainer(id);
        ContainerDetails running = runtime.inspectContainer(id);
        assertThat(running.state()).isEqualTo(ContainerState.RUNNING);
        assertThat(running.pid())
                .as("the main process's host PID names the container's namespaces (nsenter -t PID)")
                .isPositive();
        assertThat(running.startedAt())
                .hasValueSatisfying(
                        started -> assertThat(started).isAfter(Instant.now().minus(Duration.ofMinutes(5))));
        assertThat(runtime.inspectContainer(uniqueName("life")).id())
                .as("inspect accepts the name too")
                .isEqualTo(id);

        runtime.stopContainer(id, Duration.ofSeconds(5));
        ContainerDetails stopped = runtime.inspectContainer(id);
        assertThat(stopped.state()).isEqualTo(ContainerState.EXITED);
        assertThat(stopped.finishedAt()).isPresent();
        assertThat(stopped.pid()).as("a stopped container has no process").isZero();

        runtime.removeContainer(id);
        assertThatThrownBy(() -> runtime.inspectContainer(id))
                .isInstanceOfSatisfying(
                        NotFoundException.class,
                        notFound -> assertThat(notFound.kind()).isEqualTo(ResourceKind.CONTAINER));
    }

    @Test
    void startingARunningContainerAndStoppingAStoppedOneAreNoOps() {
        String id = createAndStart(container("idem").build());

        runtime.startContainer(id);
        assertThat(runtime.inspectContainer(id).state()).isEqualTo(ContainerState.RUNNING);

        runtime.stopContainer(id, Duration.ofSeconds(5));
        runtime.stopContainer(id, Duration.ofSeconds(5));
        assertThat(runtime.inspectContainer(id).state()).isEqualTo(ContainerState.EXITED);
    }

    @Test
    void aTakenNameIsAConflict() {
        runtime.createContainer(container("dup").build());

        assertThatThrownBy(() -> runtime.createContainer(container("dup").build()))
                .isInstanceOfSatisfying(
                        ConflictException.class,
                        conflict -> assertThat(conflict.kind()).isEqualTo(ResourceKind.CONTAINER));
    }

    @Test
    void aMissingImageIsNotFoundAndNeverPulled() {
        ContainerSpec spec = ContainerSpec.builder(uniqueName("noimg"), "localhost/orbit-no-such-image:never")
                .label(RUN_LABEL, runId)
                .build();

        assertThatThrownBy(() -> runtime.createContainer(spec))
                .isInstanceOfSatisfying(
                        NotFoundException.class,
                        notFound -> assertThat(notFound.kind()).isEqualTo(ResourceKind.IMAGE));
    }

    @Test
    void operationsOnAMissingContainerAreNotFound() {
        String missing = uniqueName("ghost");

        assertThatThrownBy(() -> runtime.inspectContainer(missing)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> runtime.startContainer(missing)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> runtime.stopContainer(missing, Duration.ofSeconds(1)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> runtime.removeContainer(missing)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void killingAStoppedContainerIsAConflict() {
        String id = runtime.createContainer(container("killstopped").build());

        assertThatThrownBy(() -> runtime.killContainer(id, "SIGKILL")).isInstanceOf(ConflictException.class);
    }

    @Test
    void killEndsTheContainerWithTheSignalsExitCode() {
        String id = createAndStart(container("kill").command(SLEEP_FOREVER).build());

        runtime.killContainer(id, "SIGKILL");

        ContainerDetails killed = awaitState(id, ContainerState.EXITED);
        assertThat(killed.exitCode()).isEqualTo(137);
    }

    @Test
    void removingARunningContainerDoesNotWaitForItsStopTimeout() {
        // The fixture's sleep ignores SIGTERM as PID 1, so a remove that honoured the stop timeout would take 60 s.
        String id = createAndStart(container("fastrm")
                .command(SLEEP_FOREVER)
                .stopTimeout(Duration.ofSeconds(60))
                .build());

        long started = System.nanoTime();
        runtime.removeContainer(id);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(Duration.ofSeconds(20));
        assertThat(runtime.listContainers(LabelSelector.of(RUN_LABEL, runId)))
                .extracting(ContainerSummary::id)
                .doesNotContain(id);
    }

    @Test
    void aFinishedContainerReportsItsExitCode() {
        String id =
                createAndStart(container("exit3").command("sh", "-c", "exit 3").build());

        ContainerDetails exited = awaitState(id, ContainerState.EXITED);

        assertThat(exited.exitCode()).isEqualTo(3);
        assertThat(exited.oom()).isNotEqualTo(OomStatus.KILLED);
    }

    @Test
    void listingFiltersBySeveralLabelsAtOnce() {
        String a1b1 = runtime.createContainer(container("l1")
                .label("io.orbit.test.a", "1")
                .label("io.orbit.test.b", "1")
                .build());
        String a1b2 = runtime.createContainer(container("l2")
                .label("io.orbit.test.a", "1")
                .label("io.orbit.test.b", "2")
                .build());
        String a2 = runtime.createContainer(
                container("l3").label("io.orbit.test.a", "2").build());

        assertThat(runtime.listContainers(LabelSelector.of(RUN_LABEL, runId, "io.orbit.test.a", "1")))
                .extracting(ContainerSummary::id)
                .containsExactlyInAnyOrder(a1b1, a1b2);
        assertThat(runtime.listContainers(
                        new LabelSelector(Map.of(RUN_LABEL, runId, "io.orbit.test.a", "1", "io.orbit.test.b", "2"))))
                .singleElement()
                .satisfies(summary -> {
                    assertThat(summary.id()).isEqualTo(a1b2);
                    assertThat(summary.name()).isEqualTo(uniqueName("l2"));
                    assertThat(summary.state()).isEqualTo(ContainerState.CREATED);
                    assertThat(summary.labels()).containsEntry("io.orbit.test.b", "2");
                });
        assertThat(runtime.listContainers(LabelSelector.of(RUN_LABEL, runId, "io.orbit.test.a", "2")))
                .extracting(ContainerSummary::id)
                .containsExactly(a2);
        assertThat(runtime.listContainers(LabelSelector.of(RUN_LABEL, runId, "io.orbit.test.a", "3")))
                .isEmpty();
    }

    @Test
    void containersAreFoundByAnExactNamePrefixWhateverTheirLabels() {
        String prefix = uniqueName("pfx") + "__";
        String first = runtime.createContainer(ContainerSpec.builder(prefix + "0__a", fixtureImage())
                .label(RUN_LABEL, runId)
                .build());
        String second = runtime.createContainer(ContainerSpec.builder(prefix + "1__b", fixtureImage())
                .label(RUN_LABEL, runId)
                .label("io.orbit.test.other", "x")
                .build());
        runtime.createContainer(ContainerSpec.builder("x" + prefix + "2__c", fixtureImage())
                .label(RUN_LABEL, runId)
                .build());

        assertThat(runtime.listContainersByNamePrefix(prefix))
                .extracting(ContainerSummary::id)
                .as("a name that merely contains the prefix is not a match (Orbit's substring bug)")
                .containsExactlyInAnyOrder(first, second);
    }

    @Test
    void aRandomPublishedPortIsReachableFromTheHost() throws IOException {
        String id = createAndStart(
                container("port").port(PortBinding.loopbackRandom(HTTP_PORT)).build());

        PortBinding published = awaitPublishedPort(id, HTTP_PORT);

        assertThat(published.hostIp()).isEqualTo("127.0.0.1");
        assertThat(published.hostPort()).isPositive();
        // /bin/serve starts httpd in the background: the port is published a moment before anything listens on it.
        assertThat(await(
                        "HTTP 200 on port " + published.hostPort(),
                        () -> statusOrZero("127.0.0.1", published.hostPort()),
                        status -> status == 200))
                .isEqualTo(200);
    }

    @Test
    void limitsAreAppliedOrHonestlyReportedAsDropped() {
        String id = createAndStart(container("limits")
                .limits(ResourceLimits.of(64L * 1024 * 1024, 0.5))
                .build());

        ContainerDetails details = runtime.inspectContainer(id);

        if (runtime.info().supports(EngineInfo.Capability.RESOURCE_LIMITS)) {
            assertThat(details.limits()).isEqualTo(new ResourceLimits(64L * 1024 * 1024, 500_000_000L));
        } else {
            assertThat(details.limits())
                    .as("an engine that drops limits must not pretend they hold")
                    .isEqualTo(ResourceLimits.NONE);
        }
    }

    @Test
    void environmentReachesTheContainer() {
        String id =
                createAndStart(container("env").env("GREETING", "hello-orbit").build());

        ExecResult result = runtime.exec(id, List.of("sh", "-c", "echo $GREETING"), Duration.ofSeconds(10));

        assertThat(result.stdout().strip()).isEqualTo("hello-orbit");
    }

    // ---- stats --------------------------------------------------------------------------------------------

    @Test
    void statsCoverSeveralContainersInOneCall() {
        String busy = createAndStart(container("busy")
                .command("sh", "-c", "while :; do :; done")
                .limits(ResourceLimits.of(128L * 1024 * 1024, 0.5))
                .build());
        String idle = createAndStart(container("idle").build());

        if (!runtime.info().supports(EngineInfo.Capability.STATS)) {
            assertThatThrownBy(() -> runtime.stats(List.of(busy, idle)))
                    .isInstanceOf(CapabilityUnavailableException.class);
            return;
        }
        runtime.stats(List.of(busy, idle)); // the first sample primes CPU deltas on engines that need two
        List<ContainerStats> stats =
                awaitStats(List.of(busy, idle), s -> s.containerId().equals(busy) && s.cpuPercent() > 20);

        assertThat(stats).extracting(ContainerStats::containerId).containsExactlyInAnyOrder(busy, idle);
        ContainerStats busyStats = stats.stream()
                .filter(s -> s.containerId().equals(busy))
                .findFirst()
                .orElseThrow();
        assertThat(busyStats.cpuPercent())
                .as("a busy loop limited to half a CPU uses about 50 % of one CPU")
                .isBetween(20.0, 80.0);
        assertThat(busyStats.memoryUsageBytes()).isPositive();
        assertThat(busyStats.memoryLimitBytes()).isEqualTo(128L * 1024 * 1024);
    }

    @Test
    void statsLeaveOutContainersThatAreNotRunning() {
        String running = createAndStart(container("srun").build());
        String created = runtime.createContainer(container("screated").build());

        if (!runtime.info().supports(EngineInfo.Capability.STATS)) {
            return; // covered by statsCoverSeveralContainersInOneCall
        }

        assertThat(runtime.stats(List.of(running, created)))
                .extracting(ContainerStats::containerId)
                .containsExactly(running);
    }

    // ---- exec ---------------------------------------------------------------------------------------------

    @Test
    void execReturnsExitCodeAndBothStreams() {
        String id = createAndStart(container("exec").build());

        ExecResult result =
                runtime.exec(id, List.of("sh", "-c", "echo out; echo err >&2; exit 7"), Duration.ofSeconds(10));

        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
    }

    @Test
    void execInAStoppedContainerIsAConflict() {
        String id = runtime.createContainer(container("execstopped").build());

        assertThatThrownBy(() -> runtime.exec(id, List.of("true"), Duration.ofSeconds(5)))
                .isInstanceOf(ConflictException.class);
    }

    // ---- logs ---------------------------------------------------------------------------------------------

    @Test
    void logsCarryBothStreamsWithTheirTimes() {
        String id = createAndStart(container("logs")
                .command("sh", "-c", "echo out; echo err >&2; sleep 3600")
                .build());

        List<LogLine> lines = awaitLogs(id, ContainerRuntime.ALL_LINES, found -> found.size() >= 2);

        assertThat(lines)
                .extracting(LogLine::stream, LogLine::text)
                .containsExactlyInAnyOrder(tuple(LogLine.Stream.STDOUT, "out"), tuple(LogLine.Stream.STDERR, "err"));
        assertThat(lines)
                .extracting(LogLine::time)
                .allSatisfy(time -> assertThat(time)
                        .isBetween(
                                Instant.now().minus(Duration.ofMinutes(5)),
                                Instant.now().plus(Duration.ofMinutes(1))));
    }

    @Test
    void tailStartsWithTheLastLinesOnly() {
        String id = createAndStart(container("logtail")
                .command("sh", "-c", "echo one; echo two; echo three; sleep 3600")
                .build());
        awaitLogs(id, ContainerRuntime.ALL_LINES, found -> found.size() >= 3);

        assertThat(readLogs(id, 2)).extracting(LogLine::text).containsExactly("two", "three");
        assertThat(readLogs(id, 0)).isEmpty();
    }

    @Test
    void followDeliversALinePrintedLaterAndEndsWhenClosed() throws InterruptedException {
        String id = createAndStart(container("logfollow")
                .command("sh", "-c", "echo first; sleep 3600")
                .build());
        awaitLogs(id, ContainerRuntime.ALL_LINES, found -> !found.isEmpty());
        BlockingQueue<LogLine> followed = new LinkedBlockingQueue<>();

        try (LogStream stream = runtime.logs(id, 0, true, followed::add)) {
            ExecResult printed =
                    runtime.exec(id, List.of("sh", "-c", "echo later > /proc/1/fd/1"), Duration.ofSeconds(10));
            assertThat(printed.succeeded()).as("exec: %s", printed).isTrue();

            LogLine later = followed.poll(30, TimeUnit.SECONDS);
            assertThat(later).as("a line printed after the stream was opened").isNotNull();
            assertThat(later.text()).isEqualTo("later");
            assertThat(later.stream()).isEqualTo(LogLine.Stream.STDOUT);
            assertThat(stream.isEnded()).isFalse();

            stream.close();
            assertThat(stream.awaitEnd(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void aFollowingStreamEndsWhenTheContainerStops() throws InterruptedException {
        String id = createAndStart(
                container("logstop").command("sh", "-c", "echo up; sleep 3600").build());
        List<LogLine> lines = new CopyOnWriteArrayList<>();

        try (LogStream stream = runtime.logs(id, ContainerRuntime.ALL_LINES, true, lines::add)) {
            await("the first line", () -> List.copyOf(lines), found -> !found.isEmpty());
            runtime.stopContainer(id, Duration.ZERO);

            assertThat(stream.awaitEnd(Duration.ofSeconds(30)))
                    .as("the stream ends with the container")
                    .isTrue();
            assertThat(stream.failure()).isEmpty();
            assertThat(lines).extracting(LogLine::text).containsExactly("up");
        }
    }

    @Test
    void logsOfAMissingContainerAreNotFound() {
        assertThatThrownBy(() -> runtime.logs(uniqueName("nologs"), 10, false, line -> {}))
                .isInstanceOfSatisfying(
                        NotFoundException.class,
                        notFound -> assertThat(notFound.kind()).isEqualTo(ResourceKind.CONTAINER));
    }

    // ---- events -------------------------------------------------------------------------------------------

    @Test
    void eventsReportStartAndDieWithTheExitCode() throws InterruptedException {
        BlockingQueue<ContainerEvent> events = new LinkedBlockingQueue<>();
        String marker = uniqueName("evmark");
        try (EventSubscription subscription = runtime.subscribe(
                LabelSelector.of(RUN_LABEL, runId, "io.orbit.test.marker", marker), new EventListener() {
                    @Override
                    public void onEvent(ContainerEvent event) {
                        events.add(event);
                    }
                })) {
            awaitConnected(subscription);
            String id = createAndStart(container("events")
                    .label("io.orbit.test.marker", marker)
                    .command("sh", "-c", "sleep 1; exit 5")
                    .build());
            String other = createAndStart(container("unrelated").build());

            ContainerEvent start = awaitEvent(events, ContainerEvent.Type.START);
            ContainerEvent die = awaitEvent(events, ContainerEvent.Type.DIE);

            assertThat(start.containerId()).isEqualTo(id);
            assertThat(start.containerName()).isEqualTo(uniqueName("events"));
            assertThat(start.labels()).containsEntry("io.orbit.test.marker", marker);
            assertThat(die.containerId()).isEqualTo(id);
            assertThat(die.exitCode()).hasValue(5);
            assertThat(events).extracting(ContainerEvent::containerId).doesNotContain(other);
        }
    }

    // ---- OOM ----------------------------------------------------------------------------------------------

    @Test
    void anOomKillIsReportedWhereTheEngineKnowsAndUnknownWhereItCannot() {
        if (!runtime.info().supports(EngineInfo.Capability.RESOURCE_LIMITS)) {
            return; // no memory limit, no OOM kill: rootless on cgroup v1
        }
        String id = createAndStart(container("oom")
                .command("dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1")
                .limits(new ResourceLimits(16L * 1024 * 1024, 0))
                .build());

        ContainerDetails dead = awaitState(id, ContainerState.EXITED);

        assertThat(dead.exitCode()).isEqualTo(137);
        if (runtime.info().supports(EngineInfo.Capability.OOM_DETECTION)) {
            assertThat(dead.oom()).isEqualTo(OomStatus.KILLED);
        } else {
            // Podman 4.3 on cgroup v1: the kernel OOM-kills the process, but the engine neither sets OOMKilled nor
            // emits an oom event; the adapter must say it cannot tell instead of reporting "not killed".
            assertThat(dead.oom()).isEqualTo(OomStatus.UNKNOWN);
        }
    }

    // ---- networks -----------------------------------------------------------------------------------------

    @Test
    void containersOnANetworkReachEachOtherByAlias() {
        String network = uniqueName("net");
        NetworkDetails created = runtime.createNetwork(new NetworkSpec(network, Map.of(RUN_LABEL, runId)));
        assertThat(created.name()).isEqualTo(network);
        assertThat(created.dnsEnabled()).isTrue();

        createAndStart(container("server")
                .network(NetworkAttachment.of(network, "web-alias"))
                .build());
        String client = createAndStart(container("client")
                .command(SLEEP_FOREVER)
                .network(NetworkAttachment.of(network))
                .build());

        ExecResult fetched = awaitExec(
                client, List.of("sh", "-c", "timeout 5 wget -qO- http://web-alias:8080/"), ExecResult::succeeded);
        assertThat(fetched.stdout()).contains("orbit fixture ok");
        assertThat(runtime.inspectContainer(client).networkAddresses())
                .containsKey(network)
                .allSatisfy((name, address) -> assertThat(address).isNotBlank());
    }

    @Test
    void networksAreListedByLabelAndDuplicatesConflict() {
        String network = uniqueName("dupnet");
        runtime.createNetwork(new NetworkSpec(network, Map.of(RUN_LABEL, runId, "io.orbit.test.kind", "x")));

        assertThatThrownBy(() -> runtime.createNetwork(new NetworkSpec(network, Map.of(RUN_LABEL, runId))))
                .isInstanceOfSatisfying(
                        ConflictException.class,
                        conflict -> assertThat(conflict.kind()).isEqualTo(ResourceKind.NETWORK));
        assertThat(runtime.listNetworks(LabelSelector.of(RUN_LABEL, runId, "io.orbit.test.kind", "x")))
                .extracting(NetworkDetails::name)
                .containsExactly(network);
    }

    @Test
    void aNetworkInUseCannotBeRemovedUntilItsContainersAreGone() {
        String network = uniqueName("busynet");
        runtime.createNetwork(new NetworkSpec(network, Map.of(RUN_LABEL, runId)));
        String id = createAndStart(container("onnet")
                .command(SLEEP_FOREVER)
                .network(NetworkAttachment.of(network))
                .build());

        assertThatThrownBy(() -> runtime.removeNetwork(network))
                .isInstanceOfSatisfying(
                        ConflictException.class,
                        conflict -> assertThat(conflict.kind()).isEqualTo(ResourceKind.NETWORK));

        runtime.removeContainer(id);
        runtime.removeNetwork(network);
        assertThat(runtime.listNetworks(LabelSelector.of(RUN_LABEL, runId))).isEmpty();
        assertThatThrownBy(() -> runtime.removeNetwork(network)).isInstanceOf(NotFoundException.class);
    }

    // ---- volumes and mounts -------------------------------------------------------------------------------

    @Test
    void aNamedVolumeKeepsDataAcrossContainers() {
        String volume = uniqueName("vol");
        createdVolumes.add(volume);
        VolumeDetails created = runtime.createVolume(VolumeSpec.local(volume, Map.of(RUN_LABEL, runId)));
        assertThat(created.name()).isEqualTo(volume);
        assertThat(created.labels()).containsEntry(RUN_LABEL, runId);
        assertThat(runtime.createVolume(VolumeSpec.local(volume, Map.of(RUN_LABEL, runId)))
                        .name())
                .as("creating an existing volume returns it")
                .isEqualTo(volume);

        String writer = createAndStart(container("writer")
                .command(SLEEP_FOREVER)
                .mount(new Mount.Volume(volume, "/data", false))
                .build());
        assertThat(runtime.exec(writer, List.of("sh", "-c", "echo kept > /data/file"), Duration.ofSeconds(10))
                        .exitCode())
                .isZero();
        assertThatThrownBy(() -> runtime.removeVolume(volume))
                .isInstanceOfSatisfying(
                        ConflictException.class,
                        conflict -> assertThat(conflict.kind()).isEqualTo(ResourceKind.VOLUME));
        runtime.removeContainer(writer);

        String reader = createAndStart(container("reader")
                .command(SLEEP_FOREVER)
                .mount(new Mount.Volume(volume, "/data", true))
                .build());
        assertThat(runtime.exec(reader, List.of("cat", "/data/file"), Duration.ofSeconds(10))
                        .stdout())
                .isEqualTo("kept\n");
        runtime.removeContainer(reader);

        runtime.removeVolume(volume);
        assertThat(runtime.inspectVolume(volume)).isEmpty();
    }

    @Test
    void aReadOnlyBindMountCanBeReadButNotWritten(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("config.txt"), "from-host\n");
        directory.toFile().setReadable(true, false);
        directory.toFile().setExecutable(true, false);
        directory.resolve("config.txt").toFile().setReadable(true, false);
        String id = createAndStart(container("bind")
                .command(SLEEP_FOREVER)
                .mount(new Mount.Bind(directory, "/etc/app", true))
                .build());

        assertThat(runtime.exec(id, List.of("cat", "/etc/app/config.txt"), Duration.ofSeconds(10))
                        .stdout())
                .isEqualTo("from-host\n");
        assertThat(runtime.exec(id, List.of("sh", "-c", "echo x > /etc/app/new.txt"), Duration.ofSeconds(10))
                        .exitCode())
                .isNotZero();
    }

    // ---- images -------------------------------------------------------------------------------------------

    @Test
    void aLocalImageCanBeInspectedAndAMissingOneIsEmpty() {
        assertThat(runtime.inspectImage(fixtureImage())).hasValueSatisfying(image -> {
            assertThat(image.id()).isNotBlank().doesNotStartWith("sha256:");
            assertThat(image.repoTags())
                    .anySatisfy(tag -> assertThat(fixtureImage()).endsWith(tag.replaceFirst("^localhost/", "")));
        });
        assertThat(runtime.inspectImage("localhost/orbit-no-such-image:never")).isEmpty();
    }

    @Test
    void aPullFromAnUnreachableRegistryFailsWithATypedError() {
        List<String> progress = new ArrayList<>();

        // 127.0.0.1:5999 is a closed loopback port: the pull fails fast and sends nothing off the machine.
        assertThatThrownBy(() -> runtime.pullImage("127.0.0.1:5999/orbit/nothing:1", progress::add))
                .isInstanceOfSatisfying(
                        ImagePullException.class,
                        failure -> assertThat(failure.reference()).isEqualTo("127.0.0.1:5999/orbit/nothing:1"));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    protected final ContainerDetails awaitState(String id, ContainerState state) {
        return await(
                "container " + id + " to be " + state,
                () -> runtime.inspectContainer(id),
                details -> details.state() == state);
    }

    private PortBinding awaitPublishedPort(String id, int containerPort) {
        return await(
                        "port " + containerPort + " of " + id + " to be published",
                        () -> runtime.inspectContainer(id),
                        details -> details.publishedPort(containerPort).isPresent())
                .publishedPort(containerPort)
                .orElseThrow();
    }

    private List<ContainerStats> awaitStats(List<String> ids, Predicate<ContainerStats> wanted) {
        return await(
                "stats of " + ids,
                () -> runtime.stats(ids),
                stats -> stats.size() == ids.size() && stats.stream().anyMatch(wanted));
    }

    private ExecResult awaitExec(String id, List<String> command, Predicate<ExecResult> wanted) {
        return await("exec " + command, () -> runtime.exec(id, command, Duration.ofSeconds(10)), wanted);
    }

    /** Every line the container printed so far (or the last {@code tail}), once the stream has ended. */
    protected final List<LogLine> readLogs(String id, int tail) {
        List<LogLine> lines = new CopyOnWriteArrayList<>();
        try (LogStream stream = runtime.logs(id, tail, false, lines::add)) {
            if (!stream.awaitEnd(Duration.ofSeconds(30))) {
                throw new AssertionError("the logs of " + id + " did not end within 30 s without follow");
            }
            assertThat(stream.failure()).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted reading the logs of " + id, e);
        }
        return List.copyOf(lines);
    }

    private List<LogLine> awaitLogs(String id, int tail, Predicate<List<LogLine>> wanted) {
        return await("the logs of " + id, () -> readLogs(id, tail), wanted);
    }

    private static void awaitConnected(EventSubscription subscription) {
        await("the event stream to connect", subscription::isConnected, connected -> connected);
    }

    /** Takes events one by one up to the first of {@code type}: later events stay queued for the next wait. */
    private static ContainerEvent awaitEvent(BlockingQueue<ContainerEvent> events, ContainerEvent.Type type) {
        List<ContainerEvent> seen = new ArrayList<>();
        return Poll.until(
                        "a " + type + " event",
                        Duration.ofSeconds(30),
                        Duration.ofMillis(50),
                        () -> {
                            for (ContainerEvent event = events.poll(); event != null; event = events.poll()) {
                                seen.add(event);
                                if (event.type() == type) {
                                    return Optional.of(event);
                                }
                            }
                            return Optional.<ContainerEvent>empty();
                        },
                        Optional::isPresent,
                        () -> "events seen: " + seen)
                .orElseThrow();
    }

    protected static <T> T await(String what, java.util.function.Supplier<T> probe, Predicate<T> done) {
        return Poll.until(what, Duration.ofSeconds(30), Duration.ofMillis(100), probe::get, done, () -> "");
    }

    private static int statusOrZero(String host, int port) {
        try {
            return httpGetStatus(host, port);
        } catch (IOException notListeningYet) {
            return 0;
        }
    }

    /** A minimal HTTP/1.0 GET, to prove reachability without pulling an HTTP client into runtime-testkit. */
    protected static int httpGetStatus(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            String statusLine = response.lines().findFirst().orElse("");
            String[] parts = statusLine.split(" ");
            if (parts.length < 2) {
                throw new IOException("not an HTTP response from " + host + ":" + port + ": " + statusLine);
            }
            return Integer.parseInt(parts[1]);
        }
    }
}
