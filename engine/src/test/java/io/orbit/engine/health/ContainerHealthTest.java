package io.orbit.engine.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.spec.StatusRange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The startup → liveness ladder of one container run, on explicit times (no clock, no sleeps). */
class ContainerHealthTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final ProbeSpec TCP =
            new ProbeSpec(new Probe.Tcp(80, Duration.ofSeconds(1)), Duration.ofSeconds(10), 3);
    private static final ProbeSpec HTTP = new ProbeSpec(
            new Probe.Http(8080, "/health", StatusRange.DEFAULT, Duration.ofSeconds(1)), Duration.ofSeconds(5), 2);

    private static ContainerHealth health(int startupThreshold, ProbeSpec... probes) {
        return new ContainerHealth(new HealthPolicy(Duration.ofSeconds(30), startupThreshold, List.of(probes)), START);
    }

    @Test
    void readyOnlyWhenEveryProbePassedOnce() {
        ContainerHealth health = health(3, TCP, HTTP);

        assertThat(health.record(0, true, "ok", START.plusMillis(100))).isEmpty();
        assertThat(health.state()).isEqualTo(HealthState.STARTING);
        Optional<ContainerHealth.Transition> ready = health.record(1, true, "ok", START.plusMillis(600));

        assertThat(ready).hasValueSatisfying(transition -> {
            assertThat(transition.to()).isEqualTo(HealthState.HEALTHY);
            assertThat(transition.message()).isEqualTo("ready after 600 ms");
        });
    }

    @Test
    void aContainerAdoptedAfterADaemonRestartGetsItsWholeStartupTimeoutFromThen() {
        // started an hour ago, first seen by this daemon now: its start is long past the 30 s timeout
        Instant adopted = START.plus(Duration.ofHours(1));
        ContainerHealth health =
                new ContainerHealth(new HealthPolicy(Duration.ofSeconds(30), 3, List.of(TCP)), START, adopted);

        health.record(0, false, "timed out", adopted.plusSeconds(1));

        assertThat(health.checkStartupDeadline(adopted.plusSeconds(29))).isEmpty();
        assertThat(health.state()).isEqualTo(HealthState.STARTING);
        assertThat(health.checkStartupDeadline(adopted.plusSeconds(30)))
                .hasValueSatisfying(failed -> assertThat(failed.to()).isEqualTo(HealthState.FAILED));
    }

    @Test
    void startingProbesRunFastThenAtTheirPeriod() {
        ContainerHealth health = health(3, TCP);
        assertThat(health.nextDelay(0)).isEqualTo(ContainerHealth.STARTUP_INTERVAL);

        health.record(0, true, "ok", START.plusSeconds(1));

        assertThat(health.nextDelay(0)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void failuresWhileStartingAreCountedButDoNotMakeItUnhealthy() {
        ContainerHealth health = health(3, TCP);
        for (int i = 0; i < 10; i++) {
            assertThat(health.record(0, false, "connection refused", START.plusSeconds(i)))
                    .isEmpty();
        }

        assertThat(health.state()).isEqualTo(HealthState.STARTING);
        assertThat(health.snapshot().failureCount()).isEqualTo(10);
        assertThat(health.snapshot().message()).contains("starting: tcp :80: connection refused");
    }

    @Test
    void notReadyByTheStartupTimeoutFailsWithTheLastError() {
        ContainerHealth health = health(3, TCP);
        health.record(0, false, "connection refused", START.plusSeconds(29));

        assertThat(health.checkStartupDeadline(START.plusSeconds(29).plusMillis(999)))
                .isEmpty();
        Optional<ContainerHealth.Transition> failed = health.checkStartupDeadline(START.plusSeconds(30));

        assertThat(failed).hasValueSatisfying(transition -> {
            assertThat(transition.to()).isEqualTo(HealthState.FAILED);
            assertThat(transition.message())
                    .isEqualTo("not ready within startup_timeout 30s (last: tcp :80: connection refused)");
        });
        assertThat(health.snapshot().state().orbitName()).isEqualTo("Failed");
        assertThat(health.isFinished()).isTrue();
    }

    @Test
    void aReadyContainerIsNotFailedByTheStartupDeadline() {
        ContainerHealth health = health(3, TCP);
        health.record(0, true, "ok", START.plusSeconds(1));

        assertThat(health.checkStartupDeadline(START.plusSeconds(31))).isEmpty();
        assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void unhealthyAfterFailureThresholdFailuresInARowOfOneProbe() {
        ContainerHealth health = health(3, TCP, HTTP);
        health.record(0, true, "ok", START);
        health.record(1, true, "ok", START);

        assertThat(health.record(1, false, "status 503 (expected 200-399)", START.plusSeconds(5)))
                .isEmpty();
        assertThat(health.record(0, false, "refused", START.plusSeconds(10))).isEmpty();
        Optional<ContainerHealth.Transition> unhealthy =
                health.record(1, false, "status 503 (expected 200-399)", START.plusSeconds(10));

        assertThat(unhealthy).hasValueSatisfying(transition -> {
            assertThat(transition.from()).isEqualTo(HealthState.HEALTHY);
            assertThat(transition.to()).isEqualTo(HealthState.UNHEALTHY);
            assertThat(transition.message())
                    .isEqualTo("liveness failed 2 time(s) in a row: http :8080/health: status 503 (expected 200-399)");
        });
        assertThat(health.snapshot().lastState()).contains(HealthState.HEALTHY);
        assertThat(health.snapshot().failureCount()).isEqualTo(3);
    }

    @Test
    void aPassInBetweenResetsTheConsecutiveCount() {
        ContainerHealth health = health(3, TCP);
        health.record(0, true, "ok", START);
        health.record(0, false, "refused", START.plusSeconds(10));
        health.record(0, false, "refused", START.plusSeconds(20));
        health.record(0, true, "ok", START.plusSeconds(30));
        health.record(0, false, "refused", START.plusSeconds(40));
        health.record(0, false, "refused", START.plusSeconds(50));

        assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(health.record(0, false, "refused", START.plusSeconds(60))).isPresent();
    }

    @Test
    void startupThresholdZeroSkipsTheStartupPhaseAsOrbitDoes() {
        ContainerHealth health = health(0, TCP);

        assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(health.checkStartupDeadline(START.plusSeconds(60))).isEmpty();
    }

    @Test
    void anEndedRunIgnoresLateResults() {
        ContainerHealth health = health(3, TCP);
        health.checkStartupDeadline(START.plusSeconds(30));

        assertThat(health.record(0, true, "ok", START.plusSeconds(31))).isEmpty();
        assertThat(health.state()).isEqualTo(HealthState.FAILED);
    }
}
