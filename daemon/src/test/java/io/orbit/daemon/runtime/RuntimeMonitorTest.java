package io.orbit.daemon.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.reconcile.RetryBackoff;
import io.orbit.engine.testing.ManualClock;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.RuntimeUnavailableException;
import io.orbit.runtime.http.EngineSocketDiscovery;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine monitor through an outage: since when and why, and every back-off forgotten when the engine returns. */
class RuntimeMonitorTest {

    private static final Instant START = Instant.parse("2026-12-05T14:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    private final InMemoryContainerRuntime engine = InMemoryContainerRuntime.withFixtureImage();
    private final AtomicBoolean gone = new AtomicBoolean();
    private final ReconcileQueue queue = new ReconcileQueue(clock, RetryBackoff.DEFAULT);
    private final RuntimeMonitor monitor = new RuntimeMonitor(
            socketGoneWhen(engine),
            new EngineSocketDiscovery.Discovered(Path.of("/run/test/engine.sock"), "test", List.of()),
            queue,
            clock);

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void anOutageIsNamedWithItsStartAndItsEndReleasesEveryBackedOffService() {
        monitor.check();
        assertThat(monitor.lastSeen().outage()).isEmpty();

        gone.set(true);
        clock.advance(Duration.ofSeconds(3));
        monitor.check();
        for (String service : List.of("web", "api")) {
            queue.enqueue(service);
        }
        for (int failure = 0; failure < 8; failure++) {
            failBoth();
            clock.advance(Duration.ofSeconds(1));
            monitor.check();
        }
        assertThat(queue.failures("web")).isEqualTo(8);
        clock.advance(Duration.ofSeconds(1));
        assertThat(queue.poll()).as("minutes of back-off ahead").isEmpty();
        Optional<String> outage = monitor.lastSeen().outage();
        assertThat(outage)
                .hasValueSatisfying(why -> assertThat(why)
                        .startsWith("engine unreachable since 2026-12-05T14:00:03Z: cannot reach the container engine"
                                + " at unix:///run/test/engine.sock: no such socket file"));
        assertThat(monitor.lastSeen().unreachableSince()).hasValue(START.plusSeconds(3));

        gone.set(false);
        monitor.check();

        assertThat(monitor.lastSeen().outage()).isEmpty();
        assertThat(monitor.lastSeen().info()).isPresent();
        assertThat(List.of(queue.poll(), queue.poll()))
                .as("every service at once, not after its back-off")
                .containsExactlyInAnyOrder(Optional.of("web"), Optional.of("api"));
        assertThat(queue.failures("web")).isZero();
    }

    private void failBoth() {
        // the passes of an outage: each fails (it runs once its back-off allows)
        clock.advance(RetryBackoff.DEFAULT.delayAfter(queue.failures("web")));
        for (int i = 0; i < 2; i++) {
            queue.poll().ifPresent(service -> queue.done(service, false));
        }
    }

    private ContainerRuntime socketGoneWhen(ContainerRuntime target) {
        return (ContainerRuntime) Proxy.newProxyInstance(
                ContainerRuntime.class.getClassLoader(), new Class<?>[] {ContainerRuntime.class}, (proxy, m, args) -> {
                    if (gone.get()) {
                        throw new RuntimeUnavailableException(
                                "unix:///run/test/engine.sock", "no such socket file", "start the engine", null);
                    }
                    try {
                        return m.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
