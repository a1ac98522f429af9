package io.orbit.engine.autoscale;

import static io.orbit.engine.autoscale.Fixtures.pods;
import static io.orbit.engine.autoscale.Fixtures.policy;
import static io.orbit.engine.autoscale.Fixtures.traffic;
import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutoscalerTest {

    private static final String CONCURRENCY = "autoscaling: {concurrency_target: 10}";

    private final ManualClock clock = new ManualClock();
    private final Autoscaler autoscaler = new Autoscaler(clock);

    @Test
    void decidesOnlyForServicesItHasAPolicyFor() {
        autoscaler.reload(List.of(policy(1, 5, CONCURRENCY)));

        assertThat(autoscaler.decide(traffic(1, pods(1, 10), 30))).isPresent();
        assertThat(autoscaler.decide(
                        new ServiceLoad("other", 1, List.of(), 0, 0, true, java.util.Optional.empty(), true)))
                .isEmpty();
    }

    @Test
    void dropsARemovedServiceOnReload() {
        autoscaler.reload(List.of(policy(1, 5, CONCURRENCY)));

        autoscaler.reload(List.of());

        assertThat(autoscaler.services()).isEmpty();
        assertThat(autoscaler.decide(traffic(1, pods(1, 10), 30))).isEmpty();
    }

    @Test
    void keepsTheStateOfAServiceWhosePolicyChanged() {
        autoscaler.reload(List.of(policy(1, 5, CONCURRENCY)));
        ServiceAutoscaler before = autoscaler.service("web").orElseThrow();

        autoscaler.reload(List.of(policy(1, 8, CONCURRENCY)));

        assertThat(autoscaler.service("web")).containsSame(before);
        assertThat(before.policy().maxReplicas()).isEqualTo(8);
    }

    @Test
    void aServiceAddedAgainStartsAfresh() {
        autoscaler.reload(List.of(policy(1, 5, CONCURRENCY)));
        ServiceAutoscaler first = autoscaler.service("web").orElseThrow();
        autoscaler.remove("web");
        clock.advance(Duration.ofSeconds(1));

        autoscaler.update(policy(1, 5, CONCURRENCY));

        assertThat(autoscaler.service("web").orElseThrow()).isNotSameAs(first);
    }
}
