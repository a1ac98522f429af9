package io.orbit.proxy.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Passive ejection for one service (DESIGN-NOTES §3): after {@code threshold} consecutive connect errors or 5xx a
 * backend is ejected for {@code base × ejection count}, capped at {@code max}, unless that would leave more than
 * {@code maxEjectedPercent} of the service's backends ejected. The count falls back to zero once a backend has served
 * successfully for {@code max} after its last ejection ended.
 *
 * <p>Successes touch one per-backend counter only when it is non-zero, so the hot path writes nothing shared.
 */
public final class OutlierDetector {

    /** What the detector keeps per backend; held by {@link BackendState}. */
    public static final class Record {
        final AtomicInteger consecutiveErrors = new AtomicInteger();
        volatile long ejectedUntilNanos;
        volatile boolean ejected;
        int ejections;

        public boolean isEjected(long nowNanos) {
            return ejected && nowNanos - ejectedUntilNanos < 0;
        }

        public int ejections() {
            return ejections;
        }
    }

    private final int threshold;
    private final long baseNanos;
    private final long maxNanos;
    private final int maxEjectedPercent;
    private final LongSupplier nanoClock;

    public OutlierDetector(
            int threshold, long baseNanos, long maxNanos, int maxEjectedPercent, LongSupplier nanoClock) {
        this.threshold = threshold;
        this.baseNanos = baseNanos;
        this.maxNanos = maxNanos;
        this.maxEjectedPercent = maxEjectedPercent;
        this.nanoClock = nanoClock;
    }

    public void onSuccess(Record record) {
        if (record.consecutiveErrors.get() != 0) {
            record.consecutiveErrors.set(0);
        }
        if (record.ejections != 0 && !record.isEjected(nanoClock.getAsLong())) {
            synchronized (this) {
                if (nanoClock.getAsLong() - record.ejectedUntilNanos >= maxNanos) {
                    record.ejections = 0;
                }
            }
        }
    }

    /**
     * Records a connect error or a 5xx; returns true when this ejected the backend.
     *
     * @param all the service's backends' records, to apply the cap
     */
    public boolean onError(Record record, Iterable<Record> all) {
        if (threshold <= 0 || record.consecutiveErrors.incrementAndGet() < threshold) {
            return false;
        }
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (record.isEjected(now)) {
                return false;
            }
            int total = 0;
            int ejected = 0;
            for (Record other : all) {
                total++;
                if (other.isEjected(now)) {
                    ejected++;
                }
            }
            if ((ejected + 1) * 100 > total * maxEjectedPercent) {
                return false;
            }
            record.ejections++;
            long duration = Math.min(maxNanos, baseNanos * record.ejections);
            record.ejectedUntilNanos = now + duration;
            record.ejected = true;
            record.consecutiveErrors.set(0);
            return true;
        }
    }
}
