package io.orbit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.proxy.ProxyOptions.LoadBalancing;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BalancerTest {

    @Test
    void powerOfTwoChoicesPrefersTheLessLoadedOfTwoBackends() {
        BackendState busy = TestBackends.up("busy");
        BackendState idle = TestBackends.up("idle");
        TestBackends.load(busy, 10);
        Balancer balancer = Balancer.of(LoadBalancing.P2C);
        for (int i = 0; i < 200; i++) {
            assertThat(balancer.choose(new BackendState[] {busy, idle}, 0, null))
                    .isSameAs(idle);
        }
    }

    @Test
    void powerOfTwoChoicesNeverPicksTheMostLoadedOfThree() {
        BackendState a = TestBackends.up("a");
        BackendState b = TestBackends.up("b");
        BackendState c = TestBackends.up("c");
        TestBackends.load(a, 1);
        TestBackends.load(b, 2);
        TestBackends.load(c, 50);
        Balancer balancer = Balancer.of(LoadBalancing.P2C);
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            picks.merge(balancer.choose(new BackendState[] {a, b, c}, 0, null).id(), 1, Integer::sum);
        }
        assertThat(picks).doesNotContainKey("c");
        assertThat(picks.get("a")).isGreaterThan(picks.getOrDefault("b", 0));
    }

    @Test
    void upgradedConnectionsDoNotCountAsInFlightRequests() {
        BackendState sockets = TestBackends.up("sockets");
        BackendState requests = TestBackends.up("requests");
        for (int i = 0; i < 100; i++) {
            sockets.upgradeStarted();
        }
        TestBackends.load(requests, 1);
        Balancer balancer = Balancer.of(LoadBalancing.P2C);
        assertThat(balancer.choose(new BackendState[] {sockets, requests}, 0, null))
                .isSameAs(sockets);
    }

    @Test
    void skipsBackendsThatAreStartingDownDrainingEjectedOrRemoved() {
        BackendState starting = TestBackends.starting("starting");
        BackendState draining = TestBackends.up("draining");
        draining.startDraining();
        BackendState removed = TestBackends.up("removed");
        removed.markRemoved();
        BackendState down = TestBackends.up("down");
        down.health().record(false);
        down.health().record(false);
        down.health().record(false);
        BackendState ready = TestBackends.up("ready");
        BackendState[] all = {starting, draining, removed, down, ready};
        for (LoadBalancing balancing : LoadBalancing.values()) {
            Balancer balancer = Balancer.of(balancing);
            for (int i = 0; i < 50; i++) {
                assertThat(balancer.choose(all, 0, null)).isSameAs(ready);
            }
        }
    }

    @Test
    void excludesTheBackendARetryFailedOn() {
        BackendState failed = TestBackends.up("failed");
        BackendState other = TestBackends.up("other");
        TestBackends.load(other, 100);
        for (LoadBalancing balancing : LoadBalancing.values()) {
            assertThat(Balancer.of(balancing).choose(new BackendState[] {failed, other}, 0, Set.of(failed)))
                    .isSameAs(other);
            assertThat(Balancer.of(balancing).choose(new BackendState[] {failed}, 0, Set.of(failed)))
                    .isNull();
            // every backend a request failed on, not only the last
            BackendState third = TestBackends.up("third");
            TestBackends.load(third, 200);
            assertThat(Balancer.of(balancing)
                            .choose(new BackendState[] {failed, other, third}, 0, Set.of(failed, other)))
                    .isSameAs(third);
        }
    }

    @Test
    void returnsNullWhenNothingIsReady() {
        for (LoadBalancing balancing : LoadBalancing.values()) {
            assertThat(Balancer.of(balancing).choose(new BackendState[] {TestBackends.starting("s")}, 0, null))
                    .isNull();
            assertThat(Balancer.of(balancing).choose(new BackendState[0], 0, null))
                    .isNull();
        }
    }

    @Test
    void roundRobinVisitsEveryReadyBackendInTurn() {
        BackendState a = TestBackends.up("a");
        BackendState b = TestBackends.up("b");
        BackendState c = TestBackends.up("c");
        Balancer balancer = Balancer.of(LoadBalancing.ROUND_ROBIN);
        List<String> order = java.util.stream.IntStream.range(0, 6)
                .mapToObj(i ->
                        balancer.choose(new BackendState[] {a, b, c}, 0, null).id())
                .toList();
        assertThat(order).containsExactly("a", "b", "c", "a", "b", "c");
    }
}
