package io.orbit.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.testing.ManualClock;
import io.orbit.engine.testing.TestPasses;
import io.orbit.engine.testing.TestServices;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerSummary;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.LabelSelector;
import io.orbit.runtime.RuntimeUnavailableException;
import io.orbit.runtime.testing.FakeImage;
import io.orbit.runtime.testing.InMemoryContainerRuntime;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Whole passes against the in-memory runtime: observe, plan, apply, publish — no threads, no sleeps. */
class ReconcilerTest {

    private final ManualClock clock = new ManualClock();
    private final InMemoryContainerRuntime runtime = new InMemoryContainerRuntime(
            clock, List.of(FakeImage.fixture(), new FakeImage("localhost/orbit-fixture:v2", "f2", "v2\n")));
    private final DesiredState desired = new DesiredState();
    private final StatusStore status = new StatusStore();
    private final ReconcileQueue queue = new ReconcileQueue(clock, RetryBackoff.DEFAULT);
    private final Reconciler reconciler = reconciler(PodDrainer.NONE);

    @AfterEach
    void closeRuntime() {
        runtime.close();
    }

    @Test
    void startsTheMinimumAndASecondPassChangesNothing() {
        define(TestServices.service("web").replicas(2).build());

        assertThat(reconciler.reconcile("web")).isTrue();
        Set<String> first = containerIds("web");
        assertThat(reconciler.reconcile("web")).isTrue();

        assertThat(first).hasSize(2);
        assertThat(containerIds("web")).isEqualTo(first);
        ServiceStatus web = status.services().get("web");
        assertThat(web.runningPods()).isEqualTo(2);
        assertThat(web.pods()).extracting(pod -> pod.podNumber()).containsExactly(0, 1);
        assertThat(web.lastError()).isEmpty();
    }

    @Test
    void aPassThatChangesNothingReadsThePodsOnceAndStillPublishesThem() {
        define(TestServices.service("web").replicas(2).build());
        reconciler.reconcile("web");
        Set<String> running = containerIds("web");

        long before = runtime.containerListings();
        clock.advance(java.time.Duration.ofSeconds(5));
        assertThat(reconciler.reconcile("web")).isTrue();

        // One reading by labels; before, the clean-up and the status read again, and each reading but the clean-up's
        // also listed the name pattern of an earlier Orbit's pods (the first pass found none: not again for a minute).
        assertThat(runtime.containerListings() - before).isEqualTo(1);
        ServiceStatus web = status.services().get("web");
        assertThat(web.runningPods()).isEqualTo(2);
        assertThat(web.pods())
                .flatExtracting(pod -> pod.containers())
                .extracting(container -> container.id())
                .containsExactlyInAnyOrderElementsOf(running);
        assertThat(web.observedAt()).isEqualTo(clock.instant());
    }

    @Test
    void aPassThatStartsAPodReadsThePodsAgainForItsStatus() {
        define(TestServices.service("web").replicas(1).build());
        reconciler.reconcile("web");
        runtime.removeContainer(containerIds("web").iterator().next());

        long before = runtime.containerListings();
        assertThat(reconciler.reconcile("web")).isTrue();

        assertThat(runtime.containerListings() - before).isGreaterThan(2);
        assertThat(status.services().get("web").runningPods()).isEqualTo(1);
        assertThat(status.services()
                        .get("web")
                        .pods()
                        .get(0)
                        .containers()
                        .get(0)
                        .id())
                .isIn(containerIds("web"));
    }

    @Test
    void anOrphanThatAppearsAfterAQuietLookIsRemovedOnceTheRecheckIsDue() {
        define(TestServices.service("web").replicas(1).build());
        reconciler.reconcile("web");
        String orphan = orbitContainer("web", 0, "main", "55555555-5555-4555-8555-555555555555");

        clock.advance(java.time.Duration.ofSeconds(5));
        reconciler.reconcile("web");
        assertThat(runtime.listContainersByNamePrefix("web__"))
                .as("not looked for again within the minute")
                .extracting(ContainerSummary::id)
                .contains(orphan);

        clock.advance(QuietChecks.RECHECK);
        reconciler.reconcile("web");
        assertThat(runtime.listContainersByNamePrefix("web__"))
                .extracting(ContainerSummary::id)
                .doesNotContain(orphan);
        assertThat(containerIds("web")).hasSize(1);
    }

    @Test
    void theLoopsSweepFindingNothingListsTheEngineAgainOnlyAfterTheRecheck() {
        define(TestServices.service("web").replicas(1).build());
        reconciler.reconcile("web");
        long before = runtime.containerListings();
        assertThat(reconciler.sweepWhenDue()).isTrue();
        clock.advance(java.time.Duration.ofSeconds(5));
        assertThat(reconciler.sweepWhenDue()).isTrue();
        assertThat(runtime.containerListings() - before)
                .as("one sweep, then quiet")
                .isEqualTo(1);

        desired.replace(new DesiredState.Snapshot(Map.of(), List.of(), clock.instant()));
        status.remove("web"); // a service in neither the definitions nor the status: only the sweep finds it
        clock.advance(QuietChecks.RECHECK);
        assertThat(reconciler.sweepWhenDue()).isTrue();
        assertThat(java.util.stream.Stream.generate(queue::poll)
                        .takeWhile(java.util.Optional::isPresent)
                        .map(java.util.Optional::get))
                .contains("web");
        assertThat(reconciler.sweepWhenDue())
                .as("it found one: it sweeps again at once")
                .isTrue();
        assertThat(runtime.containerListings() - before).isEqualTo(3);
    }

    @Test
    void aCrashedContainerIsRestartedInPlaceOnTheNextPass() {
        define(TestServices.service("web").replicas(2).build());
        reconciler.reconcile("web");
        Set<String> before = containerIds("web");
        String victim = before.iterator().next();

        runtime.crash(victim, 137);
        reconciler.reconcile("web");

        assertThat(containerIds("web")).isEqualTo(before);
        assertThat(runtime.inspectContainer(victim).state().isRunning()).isTrue();
        assertThat(status.services().get("web").runningPods()).isEqualTo(2);
    }

    @Test
    void aContainerRemovedBehindOurBackIsReplaced() {
        define(TestServices.service("web").replicas(1).build());
        reconciler.reconcile("web");
        String victim = containerIds("web").iterator().next();

        runtime.removeContainer(victim);
        reconciler.reconcile("web");

        assertThat(containerIds("web")).hasSize(1).doesNotContain(victim);
    }

    @Test
    void aChangedSpecRollsOutWithoutEverRunningFewerPodsThanDesired() {
        define(TestServices.service("web").replicas(2).build());
        reconciler.reconcile("web");
        Set<String> old = containerIds("web");

        define(TestServices.service("web")
                .replicas(2)
                .container("main", "localhost/orbit-fixture:v2", List.of())
                .build());
        int passes = 0;
        while (!containerIds("web").stream().noneMatch(old::contains) && passes++ < 10) {
            reconciler.reconcile("web");
            assertThat(runningContainers("web"))
                    .as("never fewer running pods than desired")
                    .hasSizeGreaterThanOrEqualTo(2);
        }

        assertThat(passes)
                .as("surge one; then each ready new pod replaces an old one: start, swap, remove")
                .isEqualTo(3);
        assertThat(containerIds("web")).hasSize(2);
        assertThat(runtime.listContainers(OrbitLabels.service("web")))
                .allSatisfy(container -> assertThat(container.image()).isEqualTo("localhost/orbit-fixture:v2"));
    }

    @Test
    void aRestartRollsEveryPodAndEndsWithNoneOfTheOld() {
        define(TestServices.service("web").replicas(2).build());
        reconciler.reconcile("web");
        reconciler.reconcile("web");
        Set<String> old = containerIds("web");

        desired.restart("web");
        int passes = 0;
        while (containerIds("web").stream().anyMatch(old::contains) && passes++ < 10) {
            reconciler.reconcile("web");
        }

        assertThat(containerIds("web")).hasSize(2).doesNotContainAnyElementsOf(old);
    }

    @Test
    void aSidecarPodSharesANetworkWhereContainersAnswerToTheirNames() {
        define(TestServices.service("helloworld2")
                .container("main", TestServices.IMAGE, List.of())
                .container("proxy", TestServices.IMAGE, List.of("sleep", "3600"))
                .build());

        reconciler.reconcile("helloworld2");

        String proxy = runtime.listContainers(OrbitLabels.service("helloworld2")).stream()
                .filter(c -> c.labels().get(OrbitLabels.CONTAINER).equals("proxy"))
                .findFirst()
                .orElseThrow()
                .id();
        ExecResult byName = runtime.exec(proxy, List.of("wget", "-qO-", "http://main:8080/"), Duration.ofSeconds(5));
        ExecResult byOrbitAlias =
                runtime.exec(proxy, List.of("wget", "-qO-", "http://helloworld2-main:8080/"), Duration.ofSeconds(5));
        assertThat(byName.stdout()).isEqualTo("orbit fixture ok\n");
        assertThat(byOrbitAlias.stdout()).isEqualTo("orbit fixture ok\n");
        assertThat(runtime.listNetworks(OrbitLabels.ALL_MANAGED)).hasSize(1);
    }

    @Test
    void aDeletedServiceLosesItsContainersAndItsPodNetworks() {
        define(TestServices.service("sidecar")
                .replicas(2)
                .container("main", TestServices.IMAGE, List.of())
                .container("proxy", TestServices.IMAGE, List.of())
                .build());
        reconciler.reconcile("sidecar");
        assertThat(runtime.listNetworks(OrbitLabels.ALL_MANAGED)).hasSize(2);

        desired.replace(new DesiredState.Snapshot(Map.of(), List.of(), clock.instant()));
        reconciler.reconcile("sidecar");

        assertThat(containerIds("sidecar")).isEmpty();
        assertThat(runtime.listNetworks(OrbitLabels.ALL_MANAGED)).isEmpty();
        assertThat(status.services()).doesNotContainKey("sidecar");
    }

    @Test
    void aMissingImageFailsThePassWithTheFixAndLeavesNothingBehind() {
        define(TestServices.service("broken")
                .container("main", TestServices.IMAGE, List.of())
                .container("db", "localhost/no-such-image:1", List.of())
                .build());

        assertThat(reconciler.reconcile("broken")).isFalse();

        assertThat(containerIds("broken")).isEmpty();
        assertThat(runtime.listNetworks(OrbitLabels.ALL_MANAGED)).isEmpty();
        assertThat(status.services().get("broken").lastError())
                .hasValueSatisfying(error -> assertThat(error)
                        .contains("cannot start pod 0 of service 'broken'")
                        .contains("localhost/no-such-image:1")
                        .contains("pull_policy: Always")
                        .contains("broken.yml"));
    }

    @Test
    void aNewReconcilerAdoptsRunningPodsWithoutRestartingThem() {
        define(TestServices.service("web").replicas(3).build());
        reconciler.reconcile("web");
        Set<String> before = containerIds("web");

        Reconciler afterRestart = new Reconciler(
                runtime,
                Ownership.DEFAULT,
                desired,
                new StatusStore(),
                new ReconcileQueue(clock, RetryBackoff.DEFAULT),
                TestPasses.pass(runtime, Ownership.DEFAULT, new StatusStore(), clock, PodDrainer.NONE),
                null);
        afterRestart.reconcile("web");

        assertThat(containerIds("web")).isEqualTo(before);
    }

    @Test
    void containersOfOtherOwnersAreNeverTouched() {
        String stranger =
                runtime.createContainer(io.orbit.runtime.ContainerSpec.builder("web__0__main__x", TestServices.IMAGE)
                        .label("owner", "someone-else")
                        .build());
        define(TestServices.service("web").replicas(1).build());

        reconciler.reconcile("web");

        assertThat(runtime.inspectContainer(stranger).name()).isEqualTo("web__0__main__x");
    }

    @Test
    void everyRemovedPodIsDrainedWhileItsContainersStillRun() {
        List<String> drainedWhileRunning = new java.util.concurrent.CopyOnWriteArrayList<>();
        PodDrainer drainer = (service, podId) -> {
            boolean running = runtime.listContainers(OrbitLabels.service(service)).stream()
                    .filter(c -> podId.equals(c.labels().get(OrbitLabels.POD)))
                    .allMatch(c -> c.state().isRunning());
            drainedWhileRunning.add(podId + ":" + running);
        };
        Reconciler draining = reconciler(drainer);
        define(TestServices.service("web").replicas(2).build());
        draining.reconcile("web");
        String surplus = runtime.listContainers(OrbitLabels.service("web")).stream()
                .filter(c -> c.labels().get(OrbitLabels.POD_NUMBER).equals("1"))
                .findFirst()
                .orElseThrow()
                .labels()
                .get(OrbitLabels.POD);

        define(TestServices.service("web").replicas(1).build());
        draining.reconcile("web");

        assertThat(drainedWhileRunning).containsExactly(surplus + ":true");
        assertThat(containerIds("web")).hasSize(1);
    }

    @Test
    void unlabelledPodsOfAnEarlierOrbitAreRemovedByDefault() {
        String orphan = orbitContainer("web", 0, "main", "11111111-1111-4111-8111-111111111111");
        String stranger = orbitContainer("my-web", 0, "main", "22222222-2222-4222-8222-222222222222");
        define(TestServices.service("web").replicas(1).build());

        reconciler.reconcile("web");

        assertThat(runtime.listContainersByNamePrefix("web__"))
                .extracting(ContainerSummary::id)
                .doesNotContain(orphan);
        assertThat(containerIds("web")).hasSize(1);
        assertThat(runtime.inspectContainer(stranger).state().isRunning())
                .as("a service whose name only contains 'web' is not ours (Orbit's substring bug)")
                .isTrue();
    }

    @Test
    void adoptOrphansKeepsCompletePodsAndRemovesIncompleteOnes() {
        String kept = orbitContainer("side", 3, "main", "33333333-3333-4333-8333-333333333333");
        String keptSidecar = orbitContainer("side", 3, "proxy", "33333333-3333-4333-8333-333333333333");
        String incomplete = orbitContainer("side", 4, "main", "44444444-4444-4444-8444-444444444444");
        define(TestServices.service("side")
                .replicas(1)
                .adoptOrphans(true)
                .container("main", TestServices.IMAGE, List.of())
                .container("proxy", TestServices.IMAGE, List.of())
                .build());

        reconciler.reconcile("side");

        assertThat(runtime.inspectContainer(kept).state().isRunning()).isTrue();
        assertThat(runtime.inspectContainer(keptSidecar).state().isRunning()).isTrue();
        assertThat(runtime.listContainersByNamePrefix("side__"))
                .extracting(ContainerSummary::id)
                .doesNotContain(incomplete);
        assertThat(containerIds("side"))
                .as("no labelled pod needed: the adopted pod counts")
                .isEmpty();
        assertThat(status.services().get("side").runningPods()).isEqualTo(1);
    }

    private String orbitContainer(String service, int podNumber, String container, String uuid) {
        String id = runtime.createContainer(io.orbit.runtime.ContainerSpec.builder(
                        io.orbit.engine.naming.ContainerNames.container(
                                service, podNumber, container, java.util.UUID.fromString(uuid)),
                        TestServices.IMAGE)
                .build());
        runtime.startContainer(id);
        return id;
    }

    @Test
    void aRestartRollsEveryPodNewBeforeOldAndAScalePinStaysWithinBounds() {
        define(TestServices.service("web").replicas(2, 4).build());
        reconciler.reconcile("web");
        Set<String> before = containerIds("web");

        desired.restart("web");
        for (int pass = 0; pass < 4; pass++) {
            reconciler.reconcile("web");
            assertThat(runningContainers("web")).hasSizeGreaterThanOrEqualTo(2);
        }
        assertThat(containerIds("web")).hasSize(2).doesNotContainAnyElementsOf(before);

        desired.pinReplicas("web", 9);
        reconciler.reconcile("web");
        assertThat(containerIds("web")).as("clamped to max 4").hasSize(4);
    }

    private Reconciler reconciler(PodDrainer drainer) {
        return new Reconciler(
                runtime,
                Ownership.DEFAULT,
                desired,
                status,
                queue,
                TestPasses.pass(runtime, Ownership.DEFAULT, status, clock, drainer),
                null);
    }

    @Test
    void anotherInstancesPodsAreNeitherCountedNorTouched() {
        Reconciler other = new Reconciler(
                runtime,
                new Ownership("other"),
                desired,
                new StatusStore(),
                queue,
                TestPasses.pass(runtime, new Ownership("other"), new StatusStore(), clock, PodDrainer.NONE),
                null);
        define(TestServices.service("web").replicas(1).build());
        other.reconcile("web");
        Set<String> theirs = containerIds("web");

        reconciler.reconcile("web");
        desired.replace(DesiredState.Snapshot.empty());
        reconciler.reconcile("web");

        assertThat(containerIds("web"))
                .as("their pod survives our removal of 'web'")
                .isEqualTo(theirs);
    }

    @Test
    void aRestartedDaemonShowsThePodsAsTheyRunBeforeItsFirstPassAndChangesNothing() {
        define(TestServices.service("web").replicas(2).build());
        reconciler.reconcile("web");
        Set<String> running = containerIds("web");

        define(TestServices.service("web").replicas(3).build()); // what the restarted daemon's first pass will do
        StatusStore restarted = new StatusStore();
        new Reconciler(
                        runtime,
                        Ownership.DEFAULT,
                        desired,
                        restarted,
                        queue,
                        TestPasses.pass(runtime, Ownership.DEFAULT, restarted, clock, PodDrainer.NONE),
                        null)
                .publishFirstObservation();

        assertThat(restarted.services()).containsOnlyKeys("web");
        assertThat(restarted.services().get("web").runningPods()).isEqualTo(2);
        assertThat(restarted.services().get("web").desired().orElseThrow().replicas())
                .isEqualTo(3);
        assertThat(containerIds("web")).as("nothing started or removed").isEqualTo(running);
    }

    @Test
    void anEngineThatDoesNotAnswerEndsTheFirstObservationAtItsFirstCall() {
        desired.replace(new DesiredState.Snapshot(
                Map.of(
                        "api", TestServices.service("api").build(),
                        "web", TestServices.service("web").build()),
                List.of(),
                clock.instant()));
        AtomicInteger calls = new AtomicInteger();
        ContainerRuntime gone = (ContainerRuntime) Proxy.newProxyInstance(
                ContainerRuntime.class.getClassLoader(), new Class<?>[] {ContainerRuntime.class}, (proxy, m, args) -> {
                    calls.incrementAndGet();
                    throw new RuntimeUnavailableException(
                            "unix:///gone.sock", "no such socket file", "start the engine", null);
                });

        new Reconciler(
                        gone,
                        Ownership.DEFAULT,
                        desired,
                        status,
                        queue,
                        TestPasses.pass(gone, Ownership.DEFAULT, status, clock, PodDrainer.NONE),
                        null)
                .publishFirstObservation();

        assertThat(calls)
                .as("one call: a hung engine would delay the start by one deadline")
                .hasValue(1);
        assertThat(status.services()).isEmpty();
    }

    private void define(DesiredService service) {
        desired.replace(new DesiredState.Snapshot(Map.of(service.name(), service), List.of(), clock.instant()));
    }

    private Set<String> containerIds(String service) {
        return runtime.listContainers(OrbitLabels.service(service)).stream()
                .map(ContainerSummary::id)
                .collect(Collectors.toSet());
    }

    private List<ContainerSummary> runningContainers(String service) {
        return runtime.listContainers(new LabelSelector(Map.of(OrbitLabels.SERVICE, service))).stream()
                .filter(container -> container.state().isRunning())
                .toList();
    }
}
