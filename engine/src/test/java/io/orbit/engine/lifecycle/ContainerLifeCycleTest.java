package io.orbit.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one lifecycle, table-tested with fakes that record what happens. A part is written {@code name}, with {@code
 * !start} when its start fails and {@code !stop} when its stop fails.
 */
class ContainerLifeCycleTest {

    private final List<String> events = new ArrayList<>();

    /** A part that records its start and stop, failing where the table says. */
    private Managed part(String spec) {
        String name = spec.split("!")[0];
        boolean failStart = spec.contains("!start");
        boolean failStop = spec.contains("!stop");
        return Managed.of(
                name,
                () -> {
                    events.add("start " + name);
                    if (failStart) {
                        throw new IllegalStateException(name + " broke on start");
                    }
                },
                () -> {
                    events.add("stop " + name);
                    if (failStop) {
                        throw new IllegalStateException(name + " broke on stop");
                    }
                });
    }

    private ContainerLifeCycle lifecycle(String parts) {
        return ContainerLifeCycle.of(
                "test", Arrays.stream(parts.split(" ")).map(this::part).toList());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            # parts                      | events of start() then stop()                                                  | start failure                | suppressed (start, then stop)
            a b c                        | start a, start b, start c, stop c, stop b, stop a                              |                              |
            a b!start c                  | start a, start b, stop a                                                       | cannot start b: b broke on start |
            a!start b c                  | start a                                                                        | cannot start a: a broke on start |
            a!stop b!start c             | start a, start b, stop a                                                       | cannot start b: b broke on start | cannot stop a: a broke on stop
            a!stop b!stop c!start        | start a, start b, start c, stop b, stop a                                      | cannot start c: c broke on start | cannot stop b: b broke on stop; cannot stop a: a broke on stop
            a!stop b c!stop              | start a, start b, start c, stop c, stop b, stop a                              |                              | cannot stop c: c broke on stop; cannot stop a: a broke on stop
            """)
    void startsInOrderStopsInReverseAndKeepsEveryFailure(
            String parts, String expectedEvents, String startFailure, String suppressed) {
        ContainerLifeCycle lifecycle = lifecycle(parts);
        List<String> failures = new ArrayList<>();
        try {
            lifecycle.start();
            assertThat(lifecycle.state()).isEqualTo(ContainerLifeCycle.State.STARTED);
            assertThat(startFailure).as("the start should have failed").isNull();
        } catch (Exception e) {
            assertThat(e).hasMessage(startFailure);
            assertThat(e.getCause()).hasMessageEndingWith("broke on start");
            assertThat(lifecycle.state()).isEqualTo(ContainerLifeCycle.State.FAILED);
            Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).forEach(failures::add);
        }
        Optional<Exception> stopFailure = lifecycle.stop();
        stopFailure.ifPresent(
                e -> Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).forEach(failures::add));

        assertThat(String.join(", ", events)).isEqualTo(expectedEvents);
        assertThat(String.join("; ", failures)).isEqualTo(suppressed == null ? "" : suppressed);
        assertThat(lifecycle.stop())
                .as("a second stop has nothing left to stop")
                .isEmpty();
    }

    @Test
    void aFailedStartLeavesNothingRunningAndCanBeStartedAgain() throws Exception {
        List<String> calls = new ArrayList<>();
        boolean[] broken = {true};
        ContainerLifeCycle lifecycle = ContainerLifeCycle.of(
                "test",
                List.of(
                        Managed.of("a", () -> calls.add("start a"), () -> calls.add("stop a")),
                        Managed.of(
                                "b",
                                () -> {
                                    if (broken[0]) {
                                        throw new java.io.IOException("port in use");
                                    }
                                    calls.add("start b");
                                },
                                () -> calls.add("stop b"))));

        assertThatThrownBy(lifecycle::start).hasMessage("cannot start b: port in use");
        broken[0] = false;
        lifecycle.start();
        lifecycle.stop();

        assertThat(calls).containsExactly("start a", "stop a", "start a", "start b", "stop b", "stop a");
    }

    @Test
    void aLifecycleIsAPartOfAnotherAndItsStopFailuresReachTheOuterOne() throws Exception {
        ContainerLifeCycle inner = lifecycle("b c!stop");
        ContainerLifeCycle outer = ContainerLifeCycle.of("outer", List.of(part("a"), inner, part("d")));

        outer.start();
        Optional<Exception> failure = outer.stop();

        assertThat(events)
                .containsExactly("start a", "start b", "start c", "start d", "stop d", "stop c", "stop b", "stop a");
        assertThat(failure).isPresent();
        assertThat(failure.get().getSuppressed()).singleElement().satisfies(stop -> {
            assertThat(stop).hasMessageStartingWith("cannot stop test: could not stop every part of test cleanly");
            assertThat(stop.getCause().getSuppressed())
                    .extracting(Throwable::getMessage)
                    .containsExactly("cannot stop c: c broke on stop");
        });
    }

    @Test
    void partsAreAddedBeforeTheStartNeverWhileItRuns() throws Exception {
        ContainerLifeCycle lifecycle = lifecycle("a");
        lifecycle.add(part("b"));
        assertThat(lifecycle.partNames()).containsExactly("a", "b");
        lifecycle.start();

        assertThatThrownBy(() -> lifecycle.add(part("c")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot add 'c' to test while it is started; add every part before start()");
        Managed again = part("d");
        lifecycle.stop();
        lifecycle.add(again);
        assertThatThrownBy(() -> lifecycle.add(again))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'d' is already a part of test");
    }

    @Test
    void stopWithoutStartStopsNothing() {
        ContainerLifeCycle lifecycle = lifecycle("a b");

        assertThat(lifecycle.stop()).isEmpty();
        assertThat(events).isEmpty();
        assertThat(lifecycle.state()).isEqualTo(ContainerLifeCycle.State.STOPPED);
    }
}
