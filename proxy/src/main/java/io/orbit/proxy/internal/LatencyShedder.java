package io.orbit.proxy.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * CoDel-style load shedding for one service (ORBIT-REFERENCE §5.7, §10.4): time is cut into windows of {@code
 * interval}; when a window saw at least {@code minSamples} latencies (request to response head) and even the smallest
 * was above {@code target}, the next window sheds new requests. A window with too few samples, or one that ended long
 * ago, sheds nothing — so shedding stops by itself once the queue has drained.
 *
 * <p>Lock-free: samples update two atomics; the window roll is won by one CAS.
 */
public final class LatencyShedder {

    public static final int MIN_SAMPLES = 10;

    private final long targetNanos;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong windowStart;
    private final AtomicLong windowMin = new AtomicLong(Long.MAX_VALUE);
    private final AtomicInteger windowCount = new AtomicInteger();
    private volatile boolean shedding;

    public LatencyShedder(long targetNanos, long intervalNanos, LongSupplier nanoClock) {
        this.targetNanos = targetNanos;
        this.intervalNanos = Math.max(1, intervalNanos);
        this.nanoClock = nanoClock;
        this.windowStart = new AtomicLong(nanoClock.getAsLong());
    }

    public void record(long latencyNanos) {
        roll(nanoClock.getAsLong());
        windowCount.incrementAndGet();
        long min = windowMin.get();
        while (latencyNanos < min && !windowMin.compareAndSet(min, latencyNanos)) {
            min = windowMin.get();
        }
    }

    public boolean shouldShed() {
        roll(nanoClock.getAsLong());
        return shedding;
    }

    private void roll(long now) {
        long start = windowStart.get();
        if (now - start < intervalNanos || !windowStart.compareAndSet(start, now)) {
            return;
        }
        long min = windowMin.getAndSet(Long.MAX_VALUE);
        int count = windowCount.getAndSet(0);
        boolean recent = now - start < 2 * intervalNanos;
        shedding = recent && count >= MIN_SAMPLES && min > targetNanos;
    }
}
