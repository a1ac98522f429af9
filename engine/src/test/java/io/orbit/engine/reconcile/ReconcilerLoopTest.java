package io.orbit.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.naming.Ownership;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.testing.TestPasses;
import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.RuntimeUnavailableException;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import io.orbit.testkit.Poll;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reconcile loop's sign of life, which feeds the systemd watchdog: an engine outage (every pass fails, back-off
 * keeps the workers waiting) is a live loop; workers stuck inside a call that never returns are not.
 */
class ReconcilerLoopTest {

    private final InMemoryContainerRuntime engine = InMemoryContainerRuntime.withFixtureImage();
    private final DesiredState desired = new DesiredState();
    private final StatusStore status = new StatusStore();
    private final ReconcileQueue queue = new ReconcileQueue(InstantSource.system(), RetryBackoff.DEFAULT);
    private final CountDownLatch release = new CountDownLatch(1);
    private Reconciler reconciler;

    @AfterEach
    void close() {
        release.countDown();
        if (reconciler != null) {
            reconciler.close();
        }
        engine.close();
    }

    @Test
    void anEngineOutageKeepsTheLoopAliveThoughEveryPassFails() {
        reconciler = start(engineGone());

        Poll.until("three failed passes in a row", Duration.ofSeconds(20), () -> queue.failures("web"), n -> n >= 3);
        // the back-off is now 4 s: the workers wait, the resync ticks every 50 ms
        for (int look = 0; look < 5; look++) {
            assertThat(reconciler.loopStalledFor()).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void workersStuckInACallThatNeverReturnsStallTheLoop() {
        reconciler = start(engineHanging());

        Duration stalled = Poll.until(
                "the loop to count as stalled",
                Duration.ofSeconds(20),
                reconciler::loopStalledFor,
                stall -> stall.compareTo(Duration.ofMillis(500)) > 0);
        assertThat(stalled).isGreaterThan(Duration.ofMillis(500));
    }

    private Reconciler start(ContainerRuntime runtime) {
        desired.replace(new DesiredState.Snapshot(
                Map.of("web", TestServices.service("web").replicas(1).build()),
                List.of(),
                InstantSource.system().instant()));
        Reconciler started = new Reconciler(
                runtime,
                Ownership.DEFAULT,
                desired,
                status,
                queue,
                TestPasses.pass(runtime, Ownership.DEFAULT, status, InstantSource.system(), PodDrainer.NONE),
                null);
        started.start(2, Duration.ofMillis(50));
        return started;
    }

    /** Every call fails as with a removed socket; the event subscription is the in-memory one (it reconnects). */
    private ContainerRuntime engineGone() {
        return answering((method, args) -> {
            throw new RuntimeUnavailableException("unix:///gone.sock", "no such socket file", "start the engine", null);
        });
    }

    /** Every call waits until the test ends: an engine that accepted the connection and never answers. */
    private ContainerRuntime engineHanging() {
        return answering((method, args) -> {
            release.await(60, TimeUnit.SECONDS);
            throw new RuntimeUnavailableException("unix:///hung.sock", "no answer", "restart the engine", null);
        });
    }

    interface Call {
        Object answer(java.lang.reflect.Method method, Object[] args) throws Exception;
    }

    private ContainerRuntime answering(Call call) {
        return (ContainerRuntime) Proxy.newProxyInstance(
                ContainerRuntime.class.getClassLoader(), new Class<?>[] {ContainerRuntime.class}, (proxy, m, args) -> {
                    if (m.getName().equals("subscribe") || m.getName().equals("close")) {
                        try {
                            return m.invoke(engine, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                    return call.answer(m, args);
                });
    }
}
