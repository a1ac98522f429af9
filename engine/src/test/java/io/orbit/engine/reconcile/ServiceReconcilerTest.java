package io.orbit.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.health.PodVerdict;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.ContainerState;
import java.time.Instant;
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

    /** min 2, max 3: room for one crash-loop replacement. */
    private static final DesiredService WEB =
            TestServices.service("web").replicas(2, 3).build();

    private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
    private static final String CURRENT = WEB.configHash();

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("nothing running: start the minimum", 2, List.of(), List.of("start 0", "start 1")),
                Arguments.of("all running and current: nothing to do", 2, List.of("0:cur:R", "1:cur:R"), List.of()),
                Arguments.of("one missing: start it in the free slot", 2, List.of("1:cur:R"), List.of("start 0")),
                Arguments.of(
                        "a dead container: restart it in place at once",
                        2,
                        List.of("0:cur:R", "1:cur:X"),
                        List.of("restart 1 main")),
                Arguments.of(
                        "a created-but-never-started container is started",
                        1,
                        List.of("0:cur:C"),
                        List.of("restart 0 main")),
                Arguments.of(
                        "a dead container in back-off: wait, and count it as coming back",
                        2,
                        List.of("0:cur:R", "1:cur:X:backoff"),
                        List.of()),
                Arguments.of(
                        "failing liveness: restart the failing container",
                        2,
                        List.of("0:cur:R:unhealthy", "1:cur:R"),
                        List.of("restart 0 main")),
                Arguments.of(
                        "failing liveness in back-off: wait",
                        2,
                        List.of("0:cur:R:unhealthy:backoff", "1:cur:R"),
                        List.of()),
                Arguments.of(
                        "never ready within startup_timeout: replace the pod in its slot",
                        2,
                        List.of("0:cur:R:startup", "1:cur:R"),
                        List.of("replace 0", "start 0")),
                Arguments.of(
                        "a crash-looping pod waits; a replacement serves beside it, within max",
                        2,
                        List.of("0:cur:X:loop", "1:cur:R"),
                        List.of("start 2")),
                Arguments.of(
                        "crash loops never push the pod count past max",
                        2,
                        List.of("0:cur:X:loop", "1:cur:X:loop", "2:cur:R"),
                        List.of()),
                Arguments.of(
                        "a crash-looping pod beside enough serving pods stays, retried at the cap",
                        2,
                        List.of("0:cur:X:loop", "1:cur:R", "2:cur:R"),
                        List.of()),
                Arguments.of(
                        "scaled to zero: crash-looping pods go too",
                        0,
                        List.of("0:cur:X:loop", "1:cur:R"),
                        List.of("remove 1", "remove 0")),
                Arguments.of(
                        "an outdated pod in trouble is replaced, not restarted",
                        2,
                        List.of("0:old:X", "1:cur:R"),
                        List.of("remove 0", "start 0")),
                Arguments.of("surplus: remove the highest slot", 1, List.of("0:cur:R", "1:cur:R"), List.of("remove 1")),
                Arguments.of(
                        "rollout: surge one new pod; no old pod goes before a new one is ready",
                        2,
                        List.of("0:old:R", "1:old:R"),
                        List.of("start 2")),
                Arguments.of(
                        "rollout: a ready new pod stands in for one old pod, and the next one starts",
                        2,
                        List.of("0:old:R", "1:old:R", "2:cur:R"),
                        List.of("remove 1", "start 1")),
                Arguments.of(
                        "rollout: old pods stay while the new one is not ready",
                        1,
                        List.of("0:old:R", "1:cur:R:starting"),
                        List.of()),
                Arguments.of(
                        "rollout: one replica is replaced only once its successor is ready",
                        1,
                        List.of("0:old:R", "1:cur:R"),
                        List.of("remove 0")),
                Arguments.of(
                        "rollout: an unready old pod goes first, it serves nobody, once the ready pods cover the"
                                + " replicas",
                        2,
                        List.of("0:old:R", "1:old:R:starting", "2:cur:R"),
                        List.of("remove 1", "start 1")),
                Arguments.of(
                        "rollout: an unready old pod stays while the ready pods do not cover the replicas (it may"
                                + " only be unprobed yet)",
                        2,
                        List.of("0:old:R", "1:old:R:starting", "2:cur:R:starting"),
                        List.of()),
                Arguments.of(
                        "rollout: just after a daemon restart nothing is probed yet, so no old pod goes",
                        2,
                        List.of("0:old:R:starting", "1:old:R:starting", "2:cur:R:starting"),
                        List.of()),
                Arguments.of(
                        "surplus prefers outdated pods over current ones",
                        2,
                        List.of("0:cur:R", "1:old:R", "2:cur:R"),
                        List.of("remove 1")),
                Arguments.of(
                        "too few and outdated: top up with the new spec, within max_surge",
                        3,
                        List.of("0:old:R"),
                        List.of("start 1", "start 2", "start 3")),
                Arguments.of(
                        "after the rollout: the last old pod goes once enough new ones are ready",
                        2,
                        List.of("0:cur:R", "1:old:R", "2:cur:R"),
                        List.of("remove 1")),
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

        List<ObservedPod> pods = pods(observed, 1);

        Plan plan = ServiceReconciler.plan("web", Optional.of(desired), pods, verdicts(observed, pods), NOW);

        assertThat(describe(plan)).as(description).isEqualTo(expected);
        boolean waiting = observed.stream().anyMatch(spec -> spec.endsWith(":backoff") || spec.endsWith(":loop"));
        assertThat(plan.recheckAt())
                .as("a held-back restart asks for a pass when its back-off ends")
                .isEqualTo(waiting ? Optional.of(NOW.plusSeconds(30)) : Optional.empty());
    }

    /** The autoscaler's preferred victims (pod ids {@code p<slot>}) among surplus pods. */
    static Stream<Arguments> victims() {
        return Stream.of(
                Arguments.of(
                        "no preference: the highest slots",
                        1,
                        List.of("0:cur:R", "1:cur:R", "2:cur:R"),
                        List.of(),
                        List.of("remove 2", "remove 1")),
                Arguments.of(
                        "the preferred victim goes before higher slots",
                        2,
                        List.of("0:cur:R", "1:cur:R", "2:cur:R"),
                        List.of("p0"),
                        List.of("remove 0")),
                Arguments.of(
                        "victims in the autoscaler's order, then the highest slots",
                        0,
                        List.of("0:cur:R", "1:cur:R", "2:cur:R"),
                        List.of("p1", "p0"),
                        List.of("remove 1", "remove 0", "remove 2")),
                Arguments.of(
                        "outdated pods still go first",
                        2,
                        List.of("0:cur:R", "1:old:R", "2:cur:R", "3:cur:R"),
                        List.of("p0"),
                        List.of("remove 1", "remove 0")),
                Arguments.of(
                        "unknown or outdated victims are ignored",
                        2,
                        List.of("0:cur:R", "1:old:R", "2:cur:R", "3:cur:R"),
                        List.of("p9", "p1"),
                        List.of("remove 1", "remove 3")),
                Arguments.of(
                        "victims change nothing without a surplus",
                        3,
                        List.of("0:cur:R", "1:cur:R", "2:cur:R"),
                        List.of("p0"),
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("victims")
    void removesThePreferredVictimsFirst(
            String description, int replicas, List<String> observed, List<String> victims, List<String> expected) {
        DesiredService desired = new DesiredService(WEB.definition(), CURRENT, replicas);
        List<ObservedPod> pods = pods(observed, 1);

        Plan plan = ServiceReconciler.plan("web", Optional.of(desired), pods, Map.of(), NOW, victims);

        assertThat(describe(plan)).as(description).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void aPreferredVictimsRemovalSaysWhy() {
        DesiredService desired = new DesiredService(WEB.definition(), CURRENT, 1);

        Plan plan = ServiceReconciler.plan(
                "web", Optional.of(desired), pods(List.of("0:cur:R", "1:cur:R"), 1), Map.of(), NOW, List.of("p0"));

        assertThat(plan.steps())
                .singleElement()
                .satisfies(
                        step -> assertThat(step.reason())
                                .isEqualTo(
                                        "pod 0 is surplus (the autoscaler's choice: fewest requests in flight): 2 running, 1 wanted"));
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
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strictRollouts")
    void withoutUnavailabilityOldPodsGoOnlyAsNewOnesAreReady(
            String description, List<String> observed, List<String> expected) {
        DesiredService strict = TestServices.service("web")
                .replicas(2, 3)
                .rollingUpdate(1, 0, "60s")
                .build();
        List<ObservedPod> pods = podsOf(observed, strict.configHash());

        Plan plan = ServiceReconciler.plan("web", Optional.of(strict), pods, verdicts(observed, pods), NOW);

        assertThat(describe(plan)).as(description).isEqualTo(expected);
    }

    static Stream<Arguments> strictRollouts() {
        return Stream.of(
                Arguments.of("surge one, remove nothing yet", List.of("0:old:R", "1:old:R"), List.of("start 2")),
                Arguments.of(
                        "the new pod is starting: wait", List.of("0:old:R", "1:old:R", "2:cur:R:starting"), List.of()),
                Arguments.of(
                        "the new pod is ready: one old pod goes and the next new one starts",
                        List.of("0:old:R", "1:old:R", "2:cur:R"),
                        List.of("remove 1", "start 1")),
                Arguments.of("then the next surge", List.of("0:old:R", "2:cur:R"), List.of("start 1")));
    }

    @org.junit.jupiter.api.Test
    void aLivenessRestartCarriesHealthsReason() {
        List<ObservedPod> pods = pods(List.of("0:cur:R", "1:cur:R"), 1);
        PodVerdict unhealthy = new PodVerdict(
                false,
                Optional.of(new PodVerdict.Action.RestartContainers(
                        List.of("id-main"), "container 'main' liveness failed 3 time(s) in a row: tcp :80: refused")),
                Instant.EPOCH,
                false);

        Plan plan = ServiceReconciler.plan("web", Optional.of(WEB), pods, Map.of("p1", unhealthy), NOW);

        assertThat(plan.steps()).singleElement().isInstanceOfSatisfying(PlanStep.RestartContainers.class, restart -> {
            assertThat(restart.cause()).isEqualTo(PlanStep.Cause.LIVENESS);
            assertThat(restart.reason())
                    .isEqualTo("pod 1 container 'main' liveness failed 3 time(s) in a row: tcp :80: refused");
        });
    }

    /** A verdict per pod from the spec's suffixes: backoff, loop (crash loop), unhealthy, startup (failed). */
    private static Map<String, PodVerdict> verdicts(List<String> specs, List<ObservedPod> pods) {
        Map<String, PodVerdict> verdicts = new java.util.HashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            List<String> flags =
                    List.of(specs.get(i).split(":")).subList(3, specs.get(i).split(":").length);
            if (flags.isEmpty()) {
                continue;
            }
            Optional<PodVerdict.Action> action = Optional.empty();
            if (flags.contains("unhealthy")) {
                action = Optional.of(new PodVerdict.Action.RestartContainers(List.of("id-main"), "failed liveness"));
            } else if (flags.contains("startup")) {
                action = Optional.of(new PodVerdict.Action.ReplacePod("not ready within startup_timeout 30s"));
            }
            boolean held = flags.contains("backoff") || flags.contains("loop");
            if (flags.equals(List.of("starting"))) {
                verdicts.put(pods.get(i).podId(), new PodVerdict(false, Optional.empty(), Instant.EPOCH, false));
                continue;
            }
            verdicts.put(
                    pods.get(i).podId(),
                    new PodVerdict(
                            false, action, held ? NOW.plusSeconds(30) : NOW.minusSeconds(1), flags.contains("loop")));
        }
        return verdicts;
    }

    private static List<ObservedPod> podsOf(List<String> specs, String currentHash) {
        return pods(specs, 1).stream()
                .map(pod -> pod.configHash().equals(CURRENT)
                        ? new ObservedPod(pod.podId(), pod.podNumber(), currentHash, 1, pod.containers())
                        : pod)
                .toList();
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
                    case PlanStep.RemovePod remove ->
                        (remove.startupFailure() ? "replace " : "remove ")
                                + remove.pod().podNumber();
                    case PlanStep.RestartContainers restart ->
                        "restart " + restart.pod().podNumber() + " "
                                + restart.containers().stream()
                                        .map(ObservedContainer::containerName)
                                        .collect(java.util.stream.Collectors.joining(","));
                    case PlanStep.RefuseStart refuse -> "refuse " + refuse.podNumber();
                    case PlanStep.LimitNetwork limit ->
                        "limit " + limit.container().containerName();
                    case PlanStep.ReportExit exit ->
                        "exit " + exit.exit().container().containerName();
                    case PlanStep.Note note -> "note " + note.kind();
                })
                .toList();
    }
}
