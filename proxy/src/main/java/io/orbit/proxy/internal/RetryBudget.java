package io.orbit.proxy.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bounds retries to a share of requests (Finagle/Envoy retry budget): every request deposits {@code ratio} of a token,
 * every retry withdraws one, and the balance is capped so that a burst after a quiet period stays bounded. So that a
 * quiet service can still retry the odd failed connect, the balance also refills by {@code minPerSecond} tokens a
 * second (Finagle's minRetriesPerSec; Envoy's min_retry_concurrency plays that role there). Lock-free.
 */
public final class RetryBudget {

    private static final long ONE = 1000;

    private final long depositPerRequest;
    private final long cap;
    private final long refillNanosPerToken;
    private final LongSupplier nanoClock;
    private final AtomicLong balance;
    private final AtomicLong lastRefill;

    /**
     * @param ratio the long-run share of requests that may be retried
     * @param burst retries allowed in a burst (the cap); the balance starts full
     * @param minPerSecond retries a second allowed whatever the traffic
     */
    public RetryBudget(double ratio, int burst, int minPerSecond, LongSupplier nanoClock) {
        this.depositPerRequest = Math.round(ratio * ONE);
        this.cap = Math.max(1, burst) * ONE;
        this.refillNanosPerToken = minPerSecond <= 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / minPerSecond;
        this.nanoClock = nanoClock;
        this.balance = new AtomicLong(Math.min(cap, Math.max(1, minPerSecond) * ONE));
        this.lastRefill = new AtomicLong(nanoClock.getAsLong());
    }

    public void onRequest() {
        if (depositPerRequest == 0) {
            return;
        }
        long current = balance.get();
        if (current < cap) {
            balance.compareAndSet(current, Math.min(cap, current + depositPerRequest));
        }
    }

    public boolean tryWithdraw() {
        refill();
        while (true) {
            long current = balance.get();
            if (current < ONE) {
                return false;
            }
            if (balance.compareAndSet(current, current - ONE)) {
                return true;
            }
        }
    }

    private void refill() {
        if (refillNanosPerToken == 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        long last = lastRefill.get();
        long tokens = (now - last) / refillNanosPerToken;
        if (tokens > 0 && lastRefill.compareAndSet(last, last + tokens * refillNanosPerToken)) {
            long add = tokens * ONE;
            balance.getAndUpdate(current -> Math.min(cap, current + add));
        }
    }
}
