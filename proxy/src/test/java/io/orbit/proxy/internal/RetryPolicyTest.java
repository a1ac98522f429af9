package io.orbit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

    @ParameterizedTest(
            name =
                    "connectFailed={0} sent={1} reused={2} bodyStreamed={3} responseStarted={4} idempotent={5} resent={6} -> {7}")
    @CsvSource({
        // a failed connect sent nothing: retry, whatever the method
        "true,  false, false, false, false, false, 0, true",
        "true,  false, false, false, false, true,  0, true",
        // idempotent and nothing went upstream
        "false, false, false, false, false, true,  0, true",
        // idempotent over a reused keep-alive connection the backend had closed
        "false, true,  true,  false, false, true,  0, true",
        // idempotent, sent on a fresh connection, the backend died before answering: repeating it is allowed
        "false, true,  false, false, false, true,  0, true",
        // not idempotent once anything was sent
        "false, true,  true,  false, false, false, 0, false",
        // a streamed body is never retried
        "false, true,  true,  true,  false, true,  0, false",
        "true,  false, false, true,  false, false, 0, false",
        // a byte of the response went to the client
        "false, true,  true,  false, true,  true,  0, false",
        // the per-request limit on re-sending a request already sent
        "false, true,  false, false, false, true,  1, false",
        "false, true,  true,  false, false, true,  1, false",
        // a failed connect sent nothing: it moves on to a backend not yet tried even after a re-send
        "true,  false, false, false, false, true,  1, true",
        "true,  false, false, false, false, false, 1, true",
    })
    void decidesRetries(
            boolean connectFailed,
            boolean sent,
            boolean reused,
            boolean bodyStreamed,
            boolean responseStarted,
            boolean idempotent,
            int resent,
            boolean expected) {
        RetryPolicy.Attempt attempt =
                new RetryPolicy.Attempt(connectFailed, sent, reused, bodyStreamed, responseStarted, idempotent, resent);
        assertThat(RetryPolicy.mayRetry(attempt, 1)).isEqualTo(expected);
    }

    @Test
    void knowsTheIdempotentMethods() {
        assertThat(RetryPolicy.isIdempotent("GET")).isTrue();
        assertThat(RetryPolicy.isIdempotent("PUT")).isTrue();
        assertThat(RetryPolicy.isIdempotent("POST")).isFalse();
        assertThat(RetryPolicy.isIdempotent("PATCH")).isFalse();
    }

    private final java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();

    @Test
    void theBudgetAllowsAtMostItsShareOfRequests() {
        RetryBudget budget = new RetryBudget(0.2, 10, 0, clock::get);
        int retries = 0;
        for (int i = 0; i < 10_000; i++) {
            budget.onRequest();
            if (budget.tryWithdraw()) {
                retries++;
            }
        }
        assertThat(retries).isBetween(1_990, 2_001);
    }

    @Test
    void aQuietServiceStillGetsAFewRetriesASecond() {
        RetryBudget budget = new RetryBudget(0.2, 10, 3, clock::get);
        assertThat(budget.tryWithdraw()).isTrue();
        assertThat(budget.tryWithdraw()).isTrue();
        assertThat(budget.tryWithdraw()).isTrue();
        assertThat(budget.tryWithdraw()).isFalse();
        clock.addAndGet(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(340));
        assertThat(budget.tryWithdraw()).isTrue();
        assertThat(budget.tryWithdraw()).isFalse();
    }

    @Test
    void theBudgetCapsABurst() {
        RetryBudget budget = new RetryBudget(0.2, 10, 0, clock::get);
        for (int i = 0; i < 10_000; i++) {
            budget.onRequest();
        }
        int burst = 0;
        while (budget.tryWithdraw()) {
            burst++;
        }
        assertThat(burst).isEqualTo(10);
    }
}
