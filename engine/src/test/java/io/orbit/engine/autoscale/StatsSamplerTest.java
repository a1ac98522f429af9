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
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (runtime.calls.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(runtime.calls).isNotEmpty();
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
