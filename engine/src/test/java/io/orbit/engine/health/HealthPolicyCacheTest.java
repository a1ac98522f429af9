package io.orbit.engine.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.spec.ContainerTemplate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The cache parses each distinct health check once, and a changed one again. */
class HealthPolicyCacheTest {

    private final List<ContainerTemplate.HealthCheck> parsed = new CopyOnWriteArrayList<>();
    private final HealthPolicyCache cache = new HealthPolicyCache(
            check -> {
                parsed.add(check);
                return HealthPolicy.of(check);
            },
            3);

    @Test
    void repeatedCallsParseTheCheckOnce() {
        ContainerTemplate.HealthCheck check = tcp(80, "5s");

        Optional<HealthPolicy> first = cache.policy(check);
        Optional<HealthPolicy> second = cache.policy(check);

        assertThat(parsed).containsExactly(check);
        assertThat(second).isSameAs(first).isEqualTo(HealthPolicy.of(check));
    }

    @Test
    void anEqualCheckOfAReloadedSpecIsNotParsedAgain() {
        cache.policy(tcp(80, "5s"));

        cache.policy(tcp(80, "5s"));

        assertThat(parsed).hasSize(1);
    }

    @Test
    void aChangedCheckIsParsedAgainAndGivesItsOwnPolicy() {
        HealthPolicy before = cache.policy(tcp(80, "5s")).orElseThrow();

        HealthPolicy after = cache.policy(tcp(80, "7s")).orElseThrow();

        assertThat(parsed).containsExactly(tcp(80, "5s"), tcp(80, "7s"));
        assertThat(before.probes().getFirst().period()).isEqualTo(Duration.ofSeconds(5));
        assertThat(after.probes().getFirst().period()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void noCheckIsNoPolicyAndNothingParsed() {
        assertThat(cache.policy(null)).isEmpty();
        assertThat(parsed).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void theCacheStaysWithinItsBoundAndStillAnswers() {
        for (int port = 1; port <= 10; port++) {
            assertThat(cache.policy(tcp(port, "5s")).orElseThrow().probedPorts())
                    .containsExactly(port);
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
        parsed.clear();

        cache.policy(tcp(10, "5s"));

        assertThat(parsed).as("the latest check is still cached").isEmpty();
    }

    @Test
    void theSharedLookupGivesTheSameParsedPolicyForEveryEqualCheck() {
        // Route publishing, pod starts, reconcile passes and the monitor all read policies through
        // HealthPolicy.cachedOf.
        Optional<HealthPolicy> first = HealthPolicy.cachedOf(tcp(8123, "5s"));

        Optional<HealthPolicy> again = HealthPolicy.cachedOf(tcp(8123, "5s"));

        assertThat(again.orElseThrow())
                .isSameAs(first.orElseThrow())
                .isEqualTo(HealthPolicy.of(tcp(8123, "5s")).orElseThrow());
        assertThat(HealthPolicy.cachedOf(tcp(8123, "7s"))
                        .orElseThrow()
                        .probes()
                        .getFirst()
                        .period())
                .as("a changed check is its own policy")
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(HealthPolicy.cachedOf(null)).isEmpty();
    }

    private static ContainerTemplate.HealthCheck tcp(int port, String period) {
        return new ContainerTemplate.HealthCheck(
                "10s", 3, period, 3, new ContainerTemplate.TcpCheck(port, "1s", null, null), null, null);
    }
}
