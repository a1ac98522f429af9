package io.orbit.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.runtime.ContainerEvent;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeContract;
import io.orbit.runtime.ContainerSpec;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.EventListener;
import io.orbit.runtime.EventSubscription;
import io.orbit.runtime.LabelSelector;
import io.orbit.runtime.OomStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The fake the engine's unit tests use passes the same contract as the real adapters, plus its own test hooks. */
class InMemoryContainerRuntimeTest extends ContainerRuntimeContract {

    @Override
    protected ContainerRuntime createRuntime() {
        return InMemoryContainerRuntime.withFixtureImage();
    }

    @Test
    void crashEndsARunningContainerWithTheGivenCodeAndADieEvent() {
        InMemoryContainerRuntime fake = (InMemoryContainerRuntime) runtime();
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        String marker = uniqueName("crash");
        try (EventSubscription subscription =
                fake.subscribe(LabelSelector.of("io.orbit.test.marker", marker), new EventListener() {
                    @Override
                    public void onEvent(ContainerEvent event) {
                        events.add(event);
                    }
                })) {
            String id = fake.createContainer(
                    container("crash").label("io.orbit.test.marker", marker).build());
            fake.startContainer(id);

            fake.crash(id, 2);

            assertThat(fake.inspectContainer(id).state()).isEqualTo(ContainerState.EXITED);
            assertThat(fake.inspectContainer(id).exitCode()).isEqualTo(2);
            await(
                    "the die event",
                    () -> List.copyOf(events),
                    seen -> seen.stream().anyMatch(e -> e.type() == ContainerEvent.Type.DIE));
            assertThat(subscription.isConnected()).isTrue();
        }
    }

    @Test
    void oomKillMarksTheContainerKilled() {
        InMemoryContainerRuntime fake = (InMemoryContainerRuntime) runtime();
        ContainerSpec spec = container("oomhook").build();
        String id = fake.createContainer(spec);
        fake.startContainer(id);

        fake.oomKill(id);

        assertThat(fake.inspectContainer(id).oom()).isEqualTo(OomStatus.KILLED);
        assertThat(fake.inspectContainer(id).exitCode()).isEqualTo(137);
    }
}
