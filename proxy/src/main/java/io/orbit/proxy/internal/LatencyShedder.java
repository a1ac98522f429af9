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
 * <p>Lock-free: samples update two atomics; the window roll is won by one CAS, and publishes the finished window
 * for the autoscaler ({@link #lastWindow}) in one small object per interval, never per request. A route with
 * {@code shed = false} only measures.
 */
public final class LatencyShedder {

    public static final int MIN_SAMPLES = 10;

    private final long targetNanos;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong windowStart;
    private final AtomicLong windowMin = new AtomicLong(Long.MAX_VALUE);
    private final AtomicInteger windowCount = new AtomicInteger();
    private final boolean shed;
    private volatile boolean shedding;
    private volatile Window last = new Window(Long.MAX_VALUE, 0, false);

    /** A finished interval: its lowest latency (Long.MAX_VALUE without samples) and its request count. */
    public record Window(long minNanos, int requests, boolean recent) {}

    public LatencyShedder(long targetNanos, long intervalNanos, LongSupplier nanoClock) {
        this(targetNanos, intervalNanos, nanoClock, true);
    }

    /** @param shed false: measure only, never shed (a {@code codel} block without {@code overload_status_code}) */
    public LatencyShedder(long targetNanos, long intervalNanos, LongSupplier nanoClock, boolean shed) {
        this.shed = shed;
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
        if (!shed) {
            return false;
        }
        roll(nanoClock.getAsLong());
        return shedding;
    }

    /**
     * The last finished interval, rolling the current one first if it is over; {@code recent} is false when the
     * interval ended long ago (no traffic since), so its numbers say nothing about now.
     */
    public Window lastWindow() {
        roll(nanoClock.getAsLong());
        return last;
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
        last = new Window(min, count, recent);
    }
}
