package io.orbit.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.engine.config.ServiceFileParser;
import io.orbit.engine.health.HealthMetrics;
import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.health.ProbeResult;
import io.orbit.engine.health.RestartBackoff;
import io.orbit.engine.health.RestartLedger;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.reconcile.PodDrainer;
import io.orbit.engine.reconcile.ReconcileMetrics;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.reconcile.Reconciler;
import io.orbit.engine.reconcile.RetryBackoff;
import io.orbit.engine.reconcile.ServicePass;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.PodTemplateHash;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.testing.ManualClock;
import io.orbit.engine.testing.ManualProbeScheduler;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The notify protocol. Most tests drive the notifier by hand ({@link SystemdNotifier#tick}) on a manual clock, with
 * a recorder for the socket, an in-memory runtime and the real health monitor, whose probes run when the test says;
 * one test uses a real datagram socket, as systemd would receive it.
 */
class SystemdNotifierTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private static final long MONOTONIC_USEC = 123_456_789_012L;

    @TempDir
    Path directory;

    private final ManualClock time = new ManualClock(START);
    private final ManualProbeScheduler scheduler = new ManualProbeScheduler(time);
    private final InMemoryContainerRuntime runtime = InMemoryContainerRuntime.withFixtureImage();
    private final DesiredState desired = new DesiredState();
    private final StatusStore status = new StatusStore();
    /** Containers whose probe passes; every other probe fails. */
    private final Set<String> passing = ConcurrentHashMap.newKeySet();

    private final HealthMonitor health = new HealthMonitor(
            status,
            (probe, target) -> passing.contains(target.containerId())
                    ? ProbeResult.PASSED
                    : ProbeResult.failed("connection refused"),
            scheduler,
            new RestartLedger(RestartBackoff.DEFAULT, new Random()),
            new EventJournal(time, 100),
            HealthMetrics.NONE,
            time,
            () -> true);
    private final Reconciler reconciler = reconciler(health);
    private final AtomicReference<Duration> sinceLastPass = new AtomicReference<>(Duration.ofSeconds(1));
    /** What systemd hears, in order; tests add their own markers to see what happened in between. */
    private final List<String> sent = new CopyOnWriteArrayList<>();

    private boolean channelClosed;

    SystemdNotifierTest() {
        status.onChange(health::sync);
    }

    @AfterEach
    void tearDown() {
        health.close();
        reconciler.close();
        runtime.close();
    }

    @Test
    void readyOnlyOnceEveryServiceHasItsMinimumOfReadyPodsNotMerelyRunningOnes() {
        define(service("api", 2, true));
        SystemdNotifier notifier = notifier(Map.of());
        notifier.begin(recorder());

        reconciler.reconcile("api");
        scheduler.runDue(); // the first probe of each container: it fails
        time.advance(Duration.ofSeconds(5));
        notifier.tick();

        assertThat(status.services().get("api").runningPods()).isEqualTo(2);
        assertThat(sent)
                .containsExactly(
                        "STATUS=starting: waiting for every service to reach its minimum of ready pods",
                        "STATUS=starting: waiting for ready pods: api 0/2 ready; 1 service(s), 2/2 pods running, 0 ready");

        passing.add(containerIds("api").getFirst());
        time.advance(Duration.ofSeconds(5));
        scheduler.runDue();
        notifier.tick();
        assertThat(sent.getLast())
                .isEqualTo(
                        "STATUS=starting: waiting for ready pods: api 1/2 ready; 1 service(s), 2/2 pods running, 1 ready");

        passing.addAll(containerIds("api"));
        time.advance(Duration.ofSeconds(1));
        scheduler.runDue();
        notifier.tick();
        assertThat(sent.getLast()).isEqualTo("READY=1\nSTATUS=1 service(s), 2/2 pods running, 2 ready");
        assertThat(sent).filteredOn(message -> message.startsWith("READY=1")).hasSize(1);
    }

    @Test
    void aServiceWithoutHealthChecksIsReadyOnceItsPodsRun() {
        define(service("web", 2, false));
        SystemdNotifier notifier = notifier(Map.of());
        notifier.begin(recorder());
        notifier.tick();
        assertThat(sent).noneMatch(message -> message.startsWith("READY=1"));

        reconciler.reconcile("web");
        notifier.tick();

        assertThat(sent.getLast()).isEqualTo("READY=1\nSTATUS=1 service(s), 2/2 pods running, 2 ready");
    }

    @Test
    void readyAfterTheBoundedWaitWithAStatusNamingTheServicesStillWaiting() {
        define(service("api", 2, true), service("web", 2, false));
        SystemdNotifier notifier = notifier(Map.of());
        notifier.begin(recorder());
        reconciler.reconcile("api");
        reconciler.reconcile("web");
        scheduler.runDue();

        time.advance(SystemdNotifier.READY_DEADLINE.minusSeconds(1));
        notifier.tick();
        assertThat(sent).noneMatch(message -> message.startsWith("READY=1"));
        assertThat(sent.getLast())
                .isEqualTo("STATUS=starting: waiting for ready pods: api 0/2 ready;"
                        + " 2 service(s), 4/4 pods running, 2 ready");

        time.advance(Duration.ofSeconds(1));
        notifier.tick();
        assertThat(sent.getLast())
                .isEqualTo("READY=1\nSTATUS=ready after 90 s although not every service has its minimum of ready pods:"
                        + " api 0/2 ready; 2 service(s), 4/4 pods running, 2 ready");

        time.advance(SystemdNotifier.STATUS_INTERVAL);
        notifier.tick();
        assertThat(sent.getLast()).isEqualTo("STATUS=2 service(s), 4/4 pods running, 2 ready");
        assertThat(sent).filteredOn(message -> message.startsWith("READY=1")).hasSize(1);
    }

    @Test
    void aReloadIsWrappedInReloadingWithTheMonotonicTimeThenReady() {
        define(service("web", 2, false));
        SystemdNotifier notifier = notifier(Map.of());
        notifier.begin(recorder());
        reconciler.reconcile("web");
        notifier.tick();
        sent.clear();

        notifier.reloading(() -> sent.add("(reload runs)"));

        assertThat(sent)
                .containsExactly(
                        "RELOADING=1\nMONOTONIC_USEC=" + MONOTONIC_USEC + "\nSTATUS=reloading the configuration",
                        "(reload runs)",
                        "READY=1\nSTATUS=1 service(s), 2/2 pods running, 2 ready");
    }

    @Test
    void aFailedReloadStillEndsWithReady() {
        SystemdNotifier notifier = notifier(Map.of());
        notifier.begin(recorder());
        notifier.tick();
        sent.clear();

        assertThatThrownBy(() -> notifier.reloading(() -> {
                    throw new IllegalStateException("broken");
                }))
                .hasMessage("broken");

        assertThat(sent).hasSize(2);
        assertThat(sent.getFirst()).startsWith("RELOADING=1\nMONOTONIC_USEC=");
        assertThat(sent.getLast()).startsWith("READY=1\n");
    }

    @Test
    void aReloadBeforeTheStartIsReadyDoesNotEndTheStartEarly() {
        define(service("api", 1, true));
        SystemdNotifier notifier = notifier(Map.of());
        notifier.begin(recorder());
        reconciler.reconcile("api");
        notifier.tick();

        notifier.reloading(() -> sent.add("(reload runs)"));

        assertThat(sent).noneMatch(message -> message.startsWith("READY=1") || message.startsWith("RELOADING=1"));
        assertThat(sent).contains("(reload runs)");
    }

    @Test
    void stoppingOnCloseAndNothingAfterIt() {
        SystemdNotifier notifier = notifier(Map.of("WATCHDOG_USEC", "2000000"));
        notifier.begin(recorder());
        notifier.tick();

        notifier.close();
        time.advance(Duration.ofSeconds(10));
        notifier.tick();
        notifier.reloading(() -> {});

        assertThat(sent.getLast()).isEqualTo("STOPPING=1");
        assertThat(channelClosed).isTrue();
    }

    @Test
    void watchdogAtHalfTheTimeoutOnlyWhileReconcilePassesFinish() {
        SystemdNotifier notifier = notifier(Map.of("WATCHDOG_USEC", "2000000")); // 2 s: every second
        notifier.begin(recorder());

        notifier.tick();
        assertThat(watchdogs()).isEqualTo(1);
        time.advance(Duration.ofMillis(500));
        notifier.tick();
        assertThat(watchdogs()).as("not before half the timeout").isEqualTo(1);
        time.advance(Duration.ofMillis(500));
        notifier.tick();
        assertThat(watchdogs()).isEqualTo(2);

        sinceLastPass.set(SystemdNotifier.LOOP_STALL);
        for (int i = 0; i < 10; i++) {
            time.advance(Duration.ofSeconds(1));
            notifier.tick();
        }
        assertThat(watchdogs())
                .as("a stuck reconcile loop starves the watchdog")
                .isEqualTo(2);

        sinceLastPass.set(Duration.ofMillis(200));
        time.advance(Duration.ofSeconds(1));
        notifier.tick();
        assertThat(watchdogs()).isEqualTo(3);
    }

    @Test
    void anEngineOutageIsAnnouncedAtOnceAndTheWatchdogKeepsBeingFedWhileTheLoopLives() {
        AtomicReference<Optional<String>> outage = new AtomicReference<>(Optional.empty());
        SystemdNotifier notifier = new SystemdNotifier(
                desired,
                status,
                health::isReady,
                sinceLastPass::get,
                outage::get,
                Map.of("WATCHDOG_USEC", "2000000"),
                () -> Duration.between(START, time.instant()).toNanos(),
                () -> MONOTONIC_USEC);
        notifier.begin(recorder());
        notifier.tick();
        long before = watchdogs();

        String why = "engine unreachable since 2026-01-01T00:00:01Z: cannot reach the container engine at"
                + " unix:///run/podman/podman.sock: no such socket file";
        outage.set(Optional.of(why));
        time.advance(Duration.ofSeconds(1));
        notifier.tick();
        assertThat(sent).contains("STATUS=" + why + "; pods kept as they run; 0 service(s), 0/0 pods running, 0 ready");

        // a minute without the engine, twice any watchdog timeout: the loop lives (passes fail, workers wait)
        for (int i = 0; i < 60; i++) {
            time.advance(Duration.ofSeconds(1));
            notifier.tick();
        }
        assertThat(watchdogs() - before)
                .as("WATCHDOG=1 every second through the outage")
                .isEqualTo(61);
        assertThat(sent.stream().filter(message -> message.startsWith("STATUS=engine unreachable")))
                .as("repeated every 5 s")
                .hasSizeGreaterThanOrEqualTo(12);

        outage.set(Optional.empty());
        time.advance(Duration.ofSeconds(1));
        notifier.tick();
        assertThat(sent.getLast()).isEqualTo("WATCHDOG=1");
        assertThat(sent.get(sent.size() - 2))
                .as("the return is announced at once")
                .isEqualTo("STATUS=0 service(s), 0/0 pods running, 0 ready");
    }

    @Test
    void noWatchdogWithoutWatchdogUsecOrWhenItIsForAnotherProcess() {
        long otherPid = ProcessHandle.current().pid() + 1;
        for (Map<String, String> environment : List.of(
                Map.<String, String>of(),
                Map.of("WATCHDOG_USEC", "0"),
                Map.of("WATCHDOG_USEC", "2000000", "WATCHDOG_PID", Long.toString(otherPid)))) {
            SystemdNotifier notifier = notifier(environment);
            notifier.begin(recorder());
            for (int i = 0; i < 10; i++) {
                time.advance(Duration.ofSeconds(1));
                notifier.tick();
            }
            assertThat(watchdogs()).as(environment.toString()).isZero();
            assertThat(sent).anyMatch(message -> message.startsWith("READY=1"));
            sent.clear();
        }
        SystemdNotifier ours = notifier(Map.of(
                "WATCHDOG_USEC",
                "2000000",
                "WATCHDOG_PID",
                Long.toString(ProcessHandle.current().pid())));
        ours.begin(recorder());
        ours.tick();
        assertThat(watchdogs()).isEqualTo(1);
    }

    @Test
    void overTheNotifySocketReadyOnceEveryServiceRunsItsMinimumThenStopping() throws IOException {
        define(service("web", 2, false));
        Path socketPath = directory.resolve("notify.sock");
        try (AFUNIXDatagramSocket systemd = AFUNIXDatagramSocket.newInstance()) {
            systemd.bind(AFUNIXSocketAddress.of(socketPath));
            systemd.setSoTimeout(5000);
            SystemdNotifier notifier = new SystemdNotifier(
                    desired,
                    status,
                    health::isReady,
                    reconciler::sinceLastPass,
                    Map.of("NOTIFY_SOCKET", socketPath.toString(), "WATCHDOG_USEC", "2000000"),
                    System::nanoTime,
                    MonotonicClock::micros);
            notifier.start();
            assertThat(receive(systemd)).startsWith("STATUS=starting");

            reconciler.reconcile("web");
            List<String> messages = receiveUntil(systemd, "READY=1");
            notifier.close();

            assertThat(messages.getLast()).isEqualTo("READY=1\nSTATUS=1 service(s), 2/2 pods running, 2 ready");
            assertThat(receiveUntil(systemd, "STOPPING=1")).isNotEmpty();
        }
    }

    @Test
    void withoutNotifySocketItDoesNothing() {
        SystemdNotifier notifier = notifier(Map.of());

        notifier.start();
        notifier.reloading(() -> {});
        notifier.close();

        assertThat(notifier.summary()).isEqualTo("0 service(s), 0/0 pods running, 0 ready");
    }

    private SystemdNotifier notifier(Map<String, String> environment) {
        return new SystemdNotifier(
                desired,
                status,
                health::isReady,
                sinceLastPass::get,
                environment,
                () -> Duration.between(START, time.instant()).toNanos(),
                () -> MONOTONIC_USEC);
    }

    private SystemdNotifier.Channel recorder() {
        return new SystemdNotifier.Channel() {
            @Override
            public void send(String message) {
                assertThat(channelClosed).as("sent after close: " + message).isFalse();
                sent.add(message);
            }

            @Override
            public void close() {
                channelClosed = true;
            }
        };
    }

    private long watchdogs() {
        return sent.stream().filter("WATCHDOG=1"::equals).count();
    }

    private List<String> containerIds(String service) {
        return status.services().get(service).pods().stream()
                .map(PodStatus::containers)
                .map(containers -> containers.getFirst().id())
                .toList();
    }

    private void define(DesiredService... services) {
        Map<String, DesiredService> byName = new LinkedHashMap<>();
        Arrays.stream(services).forEach(service -> byName.put(service.name(), service));
        desired.replace(new DesiredState.Snapshot(byName, List.of(), Instant.EPOCH));
    }

    private Reconciler reconciler(HealthMonitor health) {
        return new Reconciler(
                runtime,
                Ownership.DEFAULT,
                desired,
                status,
                new ReconcileQueue(time, RetryBackoff.DEFAULT),
                new ServicePass(
                        runtime,
                        Ownership.DEFAULT,
                        status,
                        time,
                        ReconcileMetrics.NONE,
                        PodDrainer.NONE,
                        new PodVolumes(runtime, Ownership.DEFAULT, Path.of("target", "test-volumes"), time),
                        health,
                        new EventJournal(time, 100),
                        (service, delay) -> {},
                        null),
                null);
    }

    /** A service of {@code replicas} pods (its minimum), with a tcp health check or none. */
    private static DesiredService service(String name, int replicas, boolean healthCheck) {
        String yaml = """
                name: %s
                instance_count: {min: %d, max: %d}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-fixture:latest
                """.formatted(name, replicas, replicas);
        if (healthCheck) {
            yaml += """
                          ports:
                            - {port: 8080}
                          health_check:
                            startup_timeout: 120s
                            tcp_check: {port: 8080, timeout: 1s}
                    """;
        }
        ServiceDefinition definition = SpecValidator.validate(
                        List.of(new ServiceFileParser().parse(Path.of(name + ".yml"), yaml)), 4112)
                .services()
                .getFirst();
        return new DesiredService(definition, PodTemplateHash.of(definition), replicas);
    }

    private static List<String> receiveUntil(AFUNIXDatagramSocket socket, String prefix) throws IOException {
        List<String> messages = new ArrayList<>();
        String message;
        do {
            message = receive(socket);
            messages.add(message);
        } while (!message.startsWith(prefix));
        return messages;
    }

    private static String receive(AFUNIXDatagramSocket socket) throws IOException {
        byte[] buffer = new byte[4096];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no notify message within 5 s", e);
        }
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }
}
