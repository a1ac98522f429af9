package io.orbit.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.ContainerState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The planner's rules as a table: observed pods (slot:hash:state per container) and desired replicas in, the steps
 * out as short strings ({@code start 1}, {@code remove 0}).
 */
class ServiceReconcilerTest {

    private static final DesiredService WEB =
            TestServices.service("web").replicas(2).build();
    private static final String CURRENT = WEB.configHash();

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("nothing running: start the minimum", 2, List.of(), List.of("start 0", "start 1")),
                Arguments.of("all running and current: nothing to do", 2, List.of("0:cur:R", "1:cur:R"), List.of()),
                Arguments.of("one missing: start it in the free slot", 2, List.of("1:cur:R"), List.of("start 0")),
                Arguments.of(
                        "a dead container: remove its pod, then start a replacement",
                        2,
                        List.of("0:cur:R", "1:cur:X"),
                        List.of("remove 1", "start 1")),
                Arguments.of(
                        "a created-but-never-started leftover is broken",
                        1,
                        List.of("0:cur:C"),
                        List.of("remove 0", "start 0")),
                Arguments.of("surplus: remove the highest slot", 1, List.of("0:cur:R", "1:cur:R"), List.of("remove 1")),
                Arguments.of(
                        "outdated at the desired count: surge one new pod first",
                        2,
                        List.of("0:old:R", "1:old:R"),
                        List.of("start 2")),
                Arguments.of(
                        "after the surge: remove one outdated pod",
                        2,
                        List.of("0:old:R", "1:old:R", "2:cur:R"),
                        List.of("remove 1")),
                Arguments.of(
                        "surplus prefers outdated pods over current ones",
                        2,
                        List.of("0:cur:R", "1:old:R", "2:cur:R"),
                        List.of("remove 1")),
                Arguments.of(
                        "too few and outdated: top up first, replace later",
                        3,
                        List.of("0:old:R"),
                        List.of("start 1", "start 2")),
                Arguments.of(
                        "zero replicas: remove all",
                        0,
                        List.of("0:cur:R", "1:cur:R"),
                        List.of("remove 1", "remove 0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void plans(String description, int replicas, List<String> observed, List<String> expected) {
        DesiredService desired = new DesiredService(WEB.definition(), CURRENT, replicas);

        Plan plan = ServiceReconciler.plan("web", Optional.of(desired), pods(observed, 1));

        assertThat(describe(plan)).as(description).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("incompletePods")
    void removesPodsThatDoNotMatchTheSpecShape(String description, List<ObservedPod> observed, List<String> expected) {
        DesiredService sidecar = TestServices.service("web")
                .container("main", TestServices.IMAGE, List.of())
                .container("proxy", TestServices.IMAGE, List.of())
                .build();

        assertThat(describe(ServiceReconciler.plan("web", Optional.of(sidecar), observed)))
                .as(description)
                .isEqualTo(expected);
    }

    static Stream<Arguments> incompletePods() {
        DesiredService sidecar = TestServices.service("web")
                .container("main", TestServices.IMAGE, List.of())
                .container("proxy", TestServices.IMAGE, List.of())
                .build();
        String hash = sidecar.configHash();
        return Stream.of(
                Arguments.of(
                        "one of two containers removed behind our back",
                        List.of(new ObservedPod("p0", 0, hash, 2, List.of(container("main", ContainerState.RUNNING)))),
                        List.of("remove 0", "start 0")),
                Arguments.of(
                        "a pod from a spec with another number of containers",
                        List.of(new ObservedPod("p0", 0, hash, 1, List.of(container("main", ContainerState.RUNNING)))),
                        List.of("remove 0", "start 0")));
    }

    @org.junit.jupiter.api.Test
    void anUndefinedServiceLosesAllItsPods() {
        Plan plan = ServiceReconciler.plan("gone", Optional.empty(), pods(List.of("0:cur:R", "1:cur:X"), 1));

        assertThat(describe(plan)).containsExactly("remove 0", "remove 1");
        assertThat(plan.steps()).allSatisfy(step -> assertThat(step.reason()).contains("no longer defined"));
    }

    @org.junit.jupiter.api.Test
    void reasonsSayWhatIsWrong() {
        Plan plan = ServiceReconciler.plan("web", Optional.of(WEB), pods(List.of("0:cur:R", "1:cur:X"), 1));

        assertThat(plan.steps().get(0).reason()).isEqualTo("pod 1 container 'main' is exited");
        assertThat(plan.steps().get(1).reason()).isEqualTo("1 of 2 pods running");
    }

    private static List<ObservedPod> pods(List<String> specs, int size) {
        List<ObservedPod> pods = new ArrayList<>();
        for (String spec : specs) {
            String[] parts = spec.split(":");
            int slot = Integer.parseInt(parts[0]);
            String hash = parts[1].equals("cur") ? CURRENT : "outdated";
            ContainerState state = switch (parts[2]) {
                case "R" -> ContainerState.RUNNING;
                case "C" -> ContainerState.CREATED;
                default -> ContainerState.EXITED;
            };
            pods.add(new ObservedPod("p" + slot, slot, hash, size, List.of(container("main", state))));
        }
        return pods;
    }

    private static ObservedContainer container(String name, ContainerState state) {
        return new ObservedContainer("id-" + name, "web__0__" + name, name, state, Map.of());
    }

    private static List<String> describe(Plan plan) {
        return plan.steps().stream()
                .map(step -> switch (step) {
                    case PlanStep.StartPod start -> "start " + start.podNumber();
                    case PlanStep.RemovePod remove -> "remove " + remove.pod().podNumber();
                })
                .toList();
    }
}
