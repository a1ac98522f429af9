package io.orbit.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.testing.ManualClock;
import io.orbit.runtime.ContainerEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventTriggerTest {

    private final ManualClock clock = new ManualClock();
    private final ReconcileQueue queue = new ReconcileQueue(clock, RetryBackoff.DEFAULT);
    private final AtomicInteger resyncs = new AtomicInteger();
    private final java.util.List<String> later = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final EventTrigger trigger = new EventTrigger(
            queue, resyncs::incrementAndGet, (service, delay) -> later.add(service + "@" + delay.toMillis()));

    @Test
    void aDeadContainersServiceIsCheckedAtOnceAndAgainShortlyAfter() {
        trigger.onEvent(event(ContainerEvent.Type.DIE, "web"));

        assertThat(queue.poll()).hasValue("web");
        queue.done("web", true);
        assertThat(queue.poll()).isEmpty();
        assertThat(later)
                .as("Docker may still list it as running for a while: checked again at growing delays")
                .containsExactly("web@300", "web@1000", "web@2500");
    }

    @Test
    void ourOwnCreatesAreIgnoredAndStrangersToo() {
        trigger.onEvent(event(ContainerEvent.Type.CREATE, "web"));
        trigger.onEvent(
                new ContainerEvent(ContainerEvent.Type.DIE, "id", "x", Map.of(), OptionalInt.of(1), "", Instant.EPOCH));

        assertThat(queue.poll()).isEmpty();
    }

    @Test
    void removalsAndStartsEnqueueOnceAndAReconnectResyncsEverything() {
        trigger.onEvent(event(ContainerEvent.Type.REMOVE, "web"));
        trigger.onStreamReconnected();

        assertThat(queue.poll()).hasValue("web");
        queue.done("web", true);
        clock.advance(Duration.ofSeconds(5));
        assertThat(queue.poll()).isEmpty();
        assertThat(resyncs.get()).isEqualTo(1);
    }

    private static ContainerEvent event(ContainerEvent.Type type, String service) {
        return new ContainerEvent(
                type, "id", "n", Map.of(OrbitLabels.SERVICE, service), OptionalInt.of(137), "", Instant.EPOCH);
    }
}
