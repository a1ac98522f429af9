package io.orbit.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.testing.ManualClock;
import io.orbit.engine.testing.TestPasses;
import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.RuntimeUnavailableException;
import io.orbit.runtime.testing.FakeImage;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A create whose answer is lost (a timeout, a dropped connection: the engine made the container, the daemon never
 * heard its id) never leads to more than {@code max} pods: the next pass finds the container by its labels, in its
 * slot, and adopts it (starting it) or removes it; no slot is ever filled twice.
 */
class LostCreateAnswerTest {

    private final ManualClock clock = new ManualClock();
    private final InMemoryContainerRuntime engine = new InMemoryContainerRuntime(clock, List.of(FakeImage.fixture()));
    /** How many of the next creates lose their answer after the engine made the container. */
    private final AtomicInteger losing = new AtomicInteger();

    private final AtomicInteger lost = new AtomicInteger();
    private final ContainerRuntime runtime = losingCreateAnswers(engine);
    private final DesiredState desired = new DesiredState();
    private final StatusStore status = new StatusStore();
    private final ReconcileQueue queue = new ReconcileQueue(clock, RetryBackoff.DEFAULT);
    private final Reconciler reconciler = new Reconciler(
            runtime,
            Ownership.DEFAULT,
            desired,
            status,
            queue,
            TestPasses.pass(runtime, Ownership.DEFAULT, status, clock, PodDrainer.NONE),
            null);

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void lostCreateAnswersNeverMakeMoreThanMaxPodsAndTheOrphansAreAdopted() {
        DesiredService web = TestServices.service("web").replicas(3).build();
        desired.replace(new DesiredState.Snapshot(Map.of("web", web), List.of(), clock.instant()));
        losing.set(2);

        assertThat(reconciler.reconcile("web"))
                .as("the pass hears of the lost answers")
                .isFalse();
        assertThat(lost.get()).isEqualTo(2);
        int mostContainers = containers().size();
        for (int pass = 0; pass < 5; pass++) {
            clock.advance(Duration.ofSeconds(1));
            reconciler.reconcile("web");
            mostContainers = Math.max(mostContainers, containers().size());
        }

        List<ContainerSummary> containers = containers();
        Map<String, Long> perSlot = containers.stream()
                .collect(Collectors.groupingBy(c -> c.labels().get(OrbitLabels.POD_NUMBER), Collectors.counting()));
        System.out.printf(
                "LostCreateAnswerTest: %d create answers lost, at most %d containers for max 3, %d running at the end%n",
                lost.get(),
                mostContainers,
                containers.stream().filter(c -> c.state().isRunning()).count());
        assertThat(mostContainers).as("never more than max").isLessThanOrEqualTo(3);
        assertThat(perSlot).as("one container per slot: no duplicate").containsOnlyKeys("0", "1", "2");
        assertThat(perSlot.values()).containsOnly(1L);
        assertThat(containers).allMatch(c -> c.state().isRunning(), "every pod runs");
        assertThat(reconciler.reconcile("web")).isTrue();
    }

    private List<ContainerSummary> containers() {
        return engine.listContainers(OrbitLabels.service("web"));
    }

    /** The engine, except that a create whose answer is to be lost makes the container and then fails like a timeout. */
    private ContainerRuntime losingCreateAnswers(ContainerRuntime target) {
        return (ContainerRuntime) Proxy.newProxyInstance(
                ContainerRuntime.class.getClassLoader(),
                new Class<?>[] {ContainerRuntime.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("createContainer")
                            && losing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        lost.incrementAndGet();
                        throw new RuntimeUnavailableException(
                                "memory://", "POST /containers/create got no answer within 60000 ms", "test", null);
                    }
                    return result;
                });
    }
}
