package io.orbit.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.config.ServiceFileParser;
import io.orbit.engine.health.HealthMetrics;
import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.health.ProbeResult;
import io.orbit.engine.health.RestartBackoff;
import io.orbit.engine.health.RestartLedger;
import io.orbit.engine.health.ThreadedProbeScheduler;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.reconcile.DesiredService;
import io.orbit.engine.reconcile.PodDrainer;
import io.orbit.engine.reconcile.PodTemplateHash;
import io.orbit.engine.reconcile.ReconcileMetrics;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.reconcile.Reconciler;
import io.orbit.engine.reconcile.RetryBackoff;
import io.orbit.engine.reconcile.ServicePass;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** The notify protocol against a real datagram socket, as systemd would receive it. */
class SystemdNotifierTest {

    @TempDir
    Path directory;

    @Test
    void saysReadyOnceEveryServiceRunsItsMinimumThenStopping() throws IOException {
        InMemoryContainerRuntime runtime = InMemoryContainerRuntime.withFixtureImage();
        DesiredState desired = new DesiredState();
        StatusStore status = new StatusStore();
        DesiredService web = service("web", 2);
        desired.replace(new DesiredState.Snapshot(Map.of("web", web), List.of(), Instant.EPOCH));
        Reconciler reconciler = reconciler(runtime, desired, status);
        Path socketPath = directory.resolve("notify.sock");
        try (AFUNIXDatagramSocket systemd = AFUNIXDatagramSocket.newInstance()) {
            systemd.bind(AFUNIXSocketAddress.of(socketPath));
            systemd.setSoTimeout(5000);
            SystemdNotifier notifier = new SystemdNotifier(
                    desired,
                    status,
                    reconciler,
                    Map.of("NOTIFY_SOCKET", socketPath.toString(), "WATCHDOG_USEC", "2000000"));
            notifier.start();
            assertThat(receive(systemd)).startsWith("STATUS=starting");

            reconciler.reconcile("web");
            List<String> messages = receiveUntil(systemd, "READY=1");
            notifier.close();

            assertThat(messages.getLast()).isEqualTo("READY=1\nSTATUS=1 service(s), 2/2 pods running");
            assertThat(receiveUntil(systemd, "STOPPING=1")).isNotEmpty();
        } finally {
            runtime.close();
        }
    }

    @Test
    void withoutNotifySocketItDoesNothing() {
        InMemoryContainerRuntime runtime = InMemoryContainerRuntime.withFixtureImage();
        StatusStore status = new StatusStore();
        DesiredState desired = new DesiredState();
        Reconciler reconciler = reconciler(runtime, desired, status);
        SystemdNotifier notifier = new SystemdNotifier(desired, status, reconciler, Map.of());

        notifier.start();
        notifier.close();

        assertThat(notifier.summary()).isEqualTo("0 service(s), 0/0 pods running");
        runtime.close();
    }

    private static Reconciler reconciler(InMemoryContainerRuntime runtime, DesiredState desired, StatusStore status) {
        return new Reconciler(
                runtime,
                Ownership.DEFAULT,
                desired,
                status,
                new ReconcileQueue(InstantSource.system(), RetryBackoff.DEFAULT),
                new ServicePass(
                        runtime,
                        Ownership.DEFAULT,
                        status,
                        InstantSource.system(),
                        ReconcileMetrics.NONE,
                        PodDrainer.NONE,
                        new PodVolumes(
                                runtime, Ownership.DEFAULT, Path.of("target", "test-volumes"), InstantSource.system()),
                        new HealthMonitor(
                                status,
                                (probe, target) -> ProbeResult.PASSED,
                                new ThreadedProbeScheduler(),
                                new RestartLedger(RestartBackoff.DEFAULT, new Random()),
                                new EventJournal(InstantSource.system(), 100),
                                HealthMetrics.NONE,
                                InstantSource.system(),
                                () -> true),
                        new EventJournal(InstantSource.system(), 100),
                        (service, delay) -> {}));
    }

    private static DesiredService service(String name, int replicas) {
        String yaml = """
                name: %s
                instance_count: {min: %d, max: %d}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-fixture:latest
                """.formatted(name, replicas, replicas);
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
