package io.orbit.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.health.ExitCause;
import io.orbit.engine.health.PodVerdict;
import io.orbit.engine.netlimit.NetworkLimit;
import io.orbit.engine.netlimit.NetworkLimitSupport;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.ContainerState;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The planner as a table, like {@link ServiceReconcilerTest}: an observation in, the steps out. It adds to the pod
 * policies the exits to report, the rollout's journal entries and the network-limit policy, and nothing it plans
 * happens outside the plan.
 */
class PassPlannerTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final NetworkLimit LIMIT = new NetworkLimit(10_000_000, 0, 8_000_000, 0);
    private static final DesiredService PLAIN =
            TestServices.service("web").replicas(2).build();
    private static final DesiredService LIMITED = TestServices.service("web")
            .replicas(2)
            .limitedContainer("main", "10Mbps", "8Mbps")
            .build();
    private static final Optional<NetworkLimitSupport> SUPPORTED = Optional.of(NetworkLimitSupport.supported());
    private static final Optional<NetworkLimitSupport> UNSUPPORTED =
            Optional.of(NetworkLimitSupport.unsupported("tc not found on the PATH", "install iproute2"));

    /**
     * Pods as {@code "slot:state"} with state R (running), X (exited) or L (running, limited by its labels); the
     * desired service has the current hash, so every pod is current.
     */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("nothing to do", PLAIN, SUPPORTED, List.of("0:R", "1:R"), List.of()),
                Arguments.of("plain starts without limits", PLAIN, SUPPORTED, List.of(), List.of("start 0", "start 1")),
                Arguments.of(
                        "limited starts carry their limits",
                        LIMITED,
                        SUPPORTED,
                        List.of("0:R"),
                        List.of("start 1 limits main")),
                Arguments.of(
                        "a host that cannot limit refuses the pod",
                        LIMITED,
                        UNSUPPORTED,
                        List.of(),
                        List.of("refuse 0", "refuse 1")),
                Arguments.of(
                        "no enforcer: no limit, no refusal",
                        LIMITED,
                        Optional.empty(),
                        List.of(),
                        List.of("start 0", "start 1")),
                Arguments.of(
                        "an exit is reported before its restart, and a limited container is limited again",
                        LIMITED,
                        SUPPORTED,
                        List.of("0:R", "1:XL"),
                        List.of("exit 1 main", "restart 1 main", "limit 1 main")),
                Arguments.of(
                        "a restart on a host that cannot limit still restarts (the enforcer reports it)",
                        LIMITED,
                        UNSUPPORTED,
                        List.of("0:R", "1:XL"),
                        List.of("exit 1 main", "restart 1 main", "limit 1 main")),
                Arguments.of(
                        "an unlimited container restarts without a limit step",
                        PLAIN,
                        SUPPORTED,
                        List.of("0:X", "1:R"),
                        List.of("exit 0 main", "restart 0 main")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void plans(
            String description,
            DesiredService desired,
            Optional<NetworkLimitSupport> support,
            List<String> pods,
            List<String> expected) {
        List<ObservedPod> observed = pods.stream().map(pod -> pod(pod, desired)).toList();
        List<Observation.ContainerExit> exits = observed.stream()
                .flatMap(pod -> pod.containers().stream()
                        .filter(container -> !container.isRunning())
                        .map(container -> new Observation.ContainerExit(
                                pod, container, NOW, new ExitCause(1, false, false, "exited with code 1"))))
                .toList();

        Plan plan = PassPlanner.plan(observation(desired, observed, exits, support, Optional.empty()));

        assertThat(describe(plan)).as(description).isEqualTo(expected);
    }

    @Test
    void aRefusalSaysWhichContainerWhyAndTheFix() {
        Plan plan = PassPlanner.plan(
                observation(LIMITED, List.of(pod("0:R", LIMITED)), List.of(), UNSUPPORTED, Optional.empty()));

        assertThat(plan.steps())
                .singleElement()
                .isInstanceOfSatisfying(
                        PlanStep.RefuseStart.class,
                        refuse -> assertThat(refuse.reason())
                                .isEqualTo(
                                        "cannot start pod 1 of service 'web' (web.yml): network_limit of container 'main' ("
                                                + LIMIT.describe()
                                                + ") cannot be enforced here: tc not found on the PATH; the daemon does not start it unlimited."
                                                + " Fix: install iproute2"));
    }

    @Test
    void theRolloutsNotesComeBeforeThePodStepsAndItsRecheckCounts() {
        Instant monitorEnd = NOW.plusSeconds(30);
        Instant backOffEnd = NOW.plusSeconds(5);
        PlanStep.Note started = new PlanStep.Note("rollout-started", Optional.empty(), "rolling out", false);
        ObservedPod waiting = pod("0:X", PLAIN);
        Map<String, PodVerdict> verdicts =
                Map.of(waiting.podId(), new PodVerdict(false, Optional.empty(), backOffEnd, false));
        Observation seen = new Observation(
                "web",
                Optional.of(PLAIN),
                List.of(waiting),
                verdicts,
                List.of(),
                Optional.of(new Rollouts.Progress(PLAIN, Optional.of(monitorEnd), List.of(started))),
                Optional.empty(),
                List.of(),
                NOW);

        Plan plan = PassPlanner.plan(seen);

        assertThat(describe(plan)).containsExactly("note rollout-started", "start 1");
        assertThat(plan.recheckAt())
                .as("the earlier of the back-off and the monitor window")
                .contains(backOffEnd);
    }

    @Test
    void aServiceNoLongerDefinedLosesItsPodsAndReportsNoExit() {
        Observation seen = new Observation(
                "web",
                Optional.empty(),
                List.of(pod("0:X", PLAIN)),
                Map.of(),
                List.of(),
                Optional.empty(),
                SUPPORTED,
                List.of(),
                NOW);

        assertThat(describe(PassPlanner.plan(seen))).containsExactly("remove 0");
    }

    private static Observation observation(
            DesiredService desired,
            List<ObservedPod> pods,
            List<Observation.ContainerExit> exits,
            Optional<NetworkLimitSupport> support,
            Optional<Rollouts.Progress> rollout) {
        return new Observation("web", Optional.of(desired), pods, Map.of(), exits, rollout, support, List.of(), NOW);
    }

    private static ObservedPod pod(String spec, DesiredService desired) {
        String[] parts = spec.split(":");
        int slot = Integer.parseInt(parts[0]);
        Map<String, String> labels = new HashMap<>();
        if (parts[1].contains("L")) {
            labels.putAll(LIMIT.labels());
        }
        ContainerState state = parts[1].startsWith("X") ? ContainerState.EXITED : ContainerState.RUNNING;
        return new ObservedPod(
                "p" + slot,
                slot,
                desired.configHash(),
                1,
                List.of(new ObservedContainer("c" + slot, "web__" + slot, "main", state, labels)));
    }

    private static List<String> describe(Plan plan) {
        return plan.steps().stream()
                .map(step -> switch (step) {
                    case PlanStep.StartPod start ->
                        "start " + start.podNumber()
                                + (start.networkLimits().isEmpty()
                                        ? ""
                                        : " limits "
                                                + String.join(
                                                        ",",
                                                        start.networkLimits().keySet()));
                    case PlanStep.RefuseStart refuse -> "refuse " + refuse.podNumber();
                    case PlanStep.RemovePod remove -> "remove " + remove.pod().podNumber();
                    case PlanStep.RestartContainers restart ->
                        "restart " + restart.pod().podNumber() + " "
                                + restart.containers().getFirst().containerName();
                    case PlanStep.LimitNetwork limit ->
                        "limit " + limit.pod().podNumber() + " "
                                + limit.container().containerName();
                    case PlanStep.ReportExit exit ->
                        "exit " + exit.exit().pod().podNumber() + " "
                                + exit.exit().container().containerName();
                    case PlanStep.Note note -> "note " + note.kind();
                })
                .toList();
    }
}
