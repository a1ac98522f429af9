package io.orbit.engine.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Back-off, crash loop and reset per slot, on explicit times. */
class RestartLedgerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final SlotKey SLOT = new SlotKey("web", 0, "h1");
    private static final RestartBackoff NO_JITTER = new RestartBackoff(
            Duration.ofSeconds(1), Duration.ofMinutes(5), 0, Duration.ofMinutes(10), 5, Duration.ofMinutes(10));

    private final RestartLedger ledger = new RestartLedger(NO_JITTER, new Random(1));

    @Test
    void theFirstRestartIsImmediateThenTheWaitDoubles() {
        assertThat(ledger.restartAllowedAt(SLOT)).isEqualTo(Instant.EPOCH);
        List<Duration> delays = new ArrayList<>();
        Instant now = T0;
        for (int i = 0; i < 4; i++) {
            RestartLedger.Outcome outcome = ledger.restarted(SLOT, "exited with code 1", now);
            delays.add(outcome.nextDelay());
            now = ledger.restartAllowedAt(SLOT);
        }

        assertThat(delays)
                .containsExactly(
                        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));
    }

    @Test
    void theWaitIsCappedAtFiveMinutes() {
        assertThat(NO_JITTER.delayAfter(9, new Random(1))).isEqualTo(Duration.ofSeconds(256));
        assertThat(NO_JITTER.delayAfter(10, new Random(1))).isEqualTo(Duration.ofMinutes(5));
        assertThat(NO_JITTER.delayAfter(100, new Random(1))).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void jitterAddsUpToItsShareAndNeverPassesTheCap() {
        RestartBackoff jittery = RestartBackoff.DEFAULT;
        Random random = new Random(7);
        for (int streak = 1; streak < 20; streak++) {
            Duration delay = jittery.delayAfter(streak, random);
            long base = Math.min(1000L << (streak - 1), 300_000L);
            assertThat(delay.toMillis()).isBetween(base, Math.min((long) (base * 1.2), 300_000L));
        }
    }

    @Test
    void fiveRestartsWithinTenMinutesMakeACrashLoopRetriedOnlyAtTheCap() {
        Instant now = T0;
        RestartLedger.Outcome outcome = null;
        for (int i = 0; i < 5; i++) {
            outcome = ledger.restarted(SLOT, "exited with code 1", now);
            assertThat(outcome.enteredCrashLoop()).isEqualTo(i == 4);
            now = now.plusSeconds(20);
        }

        assertThat(ledger.isCrashLooping(SLOT)).isTrue();
        assertThat(outcome.nextDelay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(ledger.crashLooping("web")).containsExactly(SLOT);
    }

    @Test
    void restartsSpreadWiderThanTheWindowAreNoCrashLoop() {
        Instant now = T0;
        for (int i = 0; i < 8; i++) {
            ledger.restarted(SLOT, "exited", now);
            now = now.plus(Duration.ofMinutes(3));
        }

        assertThat(ledger.isCrashLooping(SLOT)).isFalse();
    }

    @Test
    void tenMinutesHealthyResetTheStreakAndTheCrashLoop() {
        for (int i = 0; i < 5; i++) {
            ledger.restarted(SLOT, "exited", T0.plusSeconds(i));
        }
        Instant healthyFrom = T0.plusSeconds(400);

        assertThat(ledger.healthy(SLOT, healthyFrom)).isFalse();
        assertThat(ledger.healthy(SLOT, healthyFrom.plus(Duration.ofMinutes(9))))
                .isFalse();
        assertThat(ledger.healthy(SLOT, healthyFrom.plus(Duration.ofMinutes(10))))
                .isTrue();

        assertThat(ledger.isCrashLooping(SLOT)).isFalse();
        RestartLedger.Outcome next = ledger.restarted(SLOT, "exited", healthyFrom.plus(Duration.ofMinutes(11)));
        assertThat(next.nextDelay()).as("a fresh streak").isEqualTo(Duration.ofSeconds(1));
        assertThat(next.restartCount()).as("the count itself is kept").isEqualTo(6);
    }

    @Test
    void anUnhealthySpellRestartsTheHealthyClock() {
        ledger.restarted(SLOT, "exited", T0);
        ledger.restarted(SLOT, "exited", T0.plusSeconds(1));
        ledger.healthy(SLOT, T0.plusSeconds(10));
        ledger.notHealthy(SLOT);
        ledger.healthy(SLOT, T0.plusSeconds(300));

        assertThat(ledger.healthy(SLOT, T0.plusSeconds(10).plus(Duration.ofMinutes(10))))
                .isFalse();
        assertThat(ledger.healthy(SLOT, T0.plusSeconds(300).plus(Duration.ofMinutes(10))))
                .isTrue();
    }

    @Test
    void startupFailuresInARowReachingTheThresholdAreACrashLoop() {
        assertThat(ledger.startupFailed(SLOT, 3, T0)).isFalse();
        assertThat(ledger.startupFailed(SLOT, 3, T0.plusSeconds(30))).isFalse();
        assertThat(ledger.startupFailed(SLOT, 3, T0.plusSeconds(60))).isTrue();

        assertThat(ledger.restartAllowedAt(SLOT)).isEqualTo(T0.plusSeconds(60).plus(Duration.ofMinutes(5)));
    }

    @Test
    void aReadyPodClearsTheStartupFailureCount() {
        ledger.startupFailed(SLOT, 3, T0);
        ledger.startupFailed(SLOT, 3, T0.plusSeconds(30));
        ledger.healthy(SLOT, T0.plusSeconds(40));

        assertThat(ledger.startupFailed(SLOT, 3, T0.plusSeconds(90))).isFalse();
    }

    @Test
    void retainForgetsSlotsScaledAwayAndOldSpecs() {
        SlotKey other = new SlotKey("web", 1, "h1");
        SlotKey oldSpec = new SlotKey("web", 0, "h0");
        SlotKey api = new SlotKey("api", 0, "h9");
        for (SlotKey key : List.of(SLOT, other, oldSpec, api)) {
            ledger.restarted(key, "exited", T0);
        }

        ledger.retain("web", Set.of(SLOT));

        assertThat(ledger.record(SLOT)).isPresent();
        assertThat(ledger.record(other)).isEmpty();
        assertThat(ledger.record(oldSpec)).isEmpty();
        assertThat(ledger.record(api)).as("other services are untouched").isPresent();
    }
}
