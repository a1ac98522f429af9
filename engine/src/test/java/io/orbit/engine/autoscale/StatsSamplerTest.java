package io.orbit.engine.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.engine.testing.ManualClock;
import io.orbit.runtime.CapabilityUnavailableException;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.ContainerStats;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.ResourceLimits;
import io.orbit.runtime.RuntimeApiException;
import io.orbit.runtime.testing.FakeImage;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import io.orbit.testkit.Poll;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatsSamplerTest {

    private final ManualClock clock = new ManualClock();
    private final InMemoryContainerRuntime engine = new InMemoryContainerRuntime(clock, List.of(FakeImage.fixture()));
    private final CountingRuntime runtime = new CountingRuntime(engine);
    private final List<String> running = new CopyOnWriteArrayList<>();
    private final StatsSampler sampler = new StatsSampler(runtime.runtime(), () -> running, Duration.ofSeconds(10));

    @AfterEach
    void close() {
        sampler.close();
        engine.close();
    }

    private String start(String name, double cpus, String... command) {
        String id = engine.createContainer(
                ContainerSpec.builder(name, FakeImage.fixture().reference())
                        .command(command)
                        .limits(ResourceLimits.of(256L << 20, cpus))
                        .build());
        engine.startContainer(id);
        running.add(id);
        return id;
    }

    @Test
    void samplesAllContainersInOneCallPerTick() {
        String busy = start("busy", 0.5, "sh", "-c", "while :; do :; done");
        String idle = start("idle", 1, "sleep", "infinity");

        sampler.tick();

        assertThat(runtime.calls)
                .containsExactly(List.copyOf(running).stream().sorted().toList());
        assertThat(sampler.latest(busy)).map(ContainerStats::cpuPercent).contains(50.0);
        assertThat(sampler.latest(idle)).map(ContainerStats::cpuPercent).contains(0.1);
        assertThat(sampler.available()).isTrue();
    }

    /** docs/concurrency.md: no lock is held across a runtime call; a tick during a slow stats call does not wait. */
    @Test
    void aTickDuringASlowStatsCallReturnsAtOnceWithoutCallingAgain() throws Exception {
        start("idle", 1, "sleep", "infinity");
        CountDownLatch release = new CountDownLatch(1);
        runtime.hold = release;
        Thread first = Thread.ofPlatform().name("first-tick").start(sampler::tick);
        try {
            assertThat(runtime.entered.await(10, TimeUnit.SECONDS)).isTrue();

            long before = System.nanoTime();
            sampler.tick();
            Duration waited = Duration.ofNanos(System.nanoTime() - before);

            assertThat(waited)
                    .as("the second tick waited behind the stats call")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(runtime.calls).as("one stats call at a time").hasSize(1);
        } finally {
            release.countDown();
            first.join(Duration.ofSeconds(10));
        }
        assertThat(first.isAlive()).isFalse();
    }

    @Test
    void forgetsContainersNoLongerListed() {
        String first = start("first", 0.5, "sleep", "infinity");
        String second = start("second", 0.5, "sleep", "infinity");
        sampler.tick();

        running.remove(first);
        sampler.tick();

        assertThat(sampler.latest().keySet()).containsExactly(second);
    }

    @Test
    void makesNoCallWithoutContainers() {
        sampler.tick();

        assertThat(runtime.calls).isEmpty();
    }

    @Test
    void remembersThatStatsAreUnavailableAndRecovers() {
        String id = start("web", 0.5, "sleep", "infinity");
        sampler.tick();
        runtime.failure = new CapabilityUnavailableException(EngineInfo.Capability.STATS, "rootless on cgroup v1");

        sampler.tick();
        sampler.tick();

        assertThat(sampler.available()).isFalse();
        assertThat(sampler.unavailable())
                .hasValueSatisfying(reason -> assertThat(reason).contains("cgroup v1"));
        assertThat(sampler.latest()).isEmpty();

        runtime.failure = null;
        sampler.tick();

        assertThat(sampler.available()).isTrue();
        assertThat(sampler.latest(id)).isPresent();
    }

    @Test
    void keepsThePreviousSamplesWhenTheRuntimeFails() {
        String id = start("web", 0.5, "sleep", "infinity");
        sampler.tick();
        ContainerStats before = sampler.latest(id).orElseThrow();
        runtime.failure = new RuntimeApiException("stats", 500, "boom");
        clock.advance(Duration.ofSeconds(10));

        sampler.tick();

        assertThat(sampler.latest(id)).contains(before);
        assertThat(sampler.available()).isTrue();
    }

    @Test
    void samplesOnItsOwnThreadOnceStarted() throws InterruptedException {
        start("web", 0.5, "sleep", "infinity");

        sampler.start();

        Poll.until(
                "a stats call by the sampler's thread",
                Duration.ofSeconds(5),
                Duration.ofMillis(5),
                () -> List.copyOf(runtime.calls),
                calls -> !calls.isEmpty(),
                () -> "");
        assertThat(runtime.threads).allMatch(name -> name.equals("orbit-stats"));
    }

    @Test
    void startingTwiceIsAnErrorAndCloseLetsItStartAgain() {
        sampler.start();

        assertThatThrownBy(sampler::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("stats sampler already started");
        sampler.close();
        sampler.start();
    }

    /**
     * The in-memory engine, counting stats calls and failing them on demand; every other call goes straight through
     * (a dynamic proxy, so the port's methods are not written out again here).
     */
    private static final class CountingRuntime implements InvocationHandler {
        private final ContainerRuntime delegate;
        final List<List<String>> calls = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        volatile @Nullable RuntimeException failure;
        /** When set, a stats call counts down {@code entered} and waits for it (at most 10 s): a slow engine. */
        volatile @Nullable CountDownLatch hold;

        final CountDownLatch entered = new CountDownLatch(1);

        CountingRuntime(ContainerRuntime delegate) {
            this.delegate = delegate;
        }

        ContainerRuntime runtime() {
            return (ContainerRuntime) Proxy.newProxyInstance(
                    ContainerRuntime.class.getClassLoader(), new Class<?>[] {ContainerRuntime.class}, this);
        }

        @Override
        public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
            if (method.getName().equals("stats") && args != null && args[0] instanceof Collection<?> ids) {
                calls.add(ids.stream().map(String::valueOf).sorted().toList());
                threads.add(Thread.currentThread().getName());
                CountDownLatch slow = hold;
                if (slow != null) {
                    entered.countDown();
                    try {
                        slow.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                RuntimeException current = failure;
                if (current != null) {
                    throw current;
                }
            }
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
