package io.orbit.proxy;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * One node port's request durations, request received to response complete: a count per bucket, their sum and a
 * recent maximum. The proxy records one per response on its selector thread; {@code /metrics} and the dashboard read
 * {@link #snapshot}s.
 *
 * <p>Not a Micrometer {@code Timer} on purpose. A timer's maximum rotates its window (every 40 s) on the thread that
 * records, a branch that a data path compiled from steady traffic has never taken: the first rotation under load threw
 * the compiled path away (an uncommon trap deoptimised {@code DownstreamConnection.parseResponse}, with the timer
 * inlined in it) and the proxy ran its interpreted and C1 code for ~0.5 s until C2 had compiled it again
 * (docs/benchmarks.md, session 19). Recording here takes no branch that depends on the time or on the values: the
 * maximum of a window carries the window's number in its high bits, so a newer window's value always wins its slot,
 * the reader keeps the windows that are recent, and the slot takes the larger value arithmetically.
 *
 * <p>The buckets are the ones the timer published (Micrometer's percentile-histogram buckets from 1 ms to 60 s), so
 * {@code orbit_service_request_duration_seconds} keeps its series.
 */
public final class RequestDurations {

    /** A maximum covers this window and the {@value #MAX_WINDOWS} − 1 before it: 80–120 s, as the timer's did. */
    static final long MAX_WINDOW_NANOS = Duration.ofSeconds(40).toNanos();

    static final int MAX_WINDOWS = 3;

    /** Low bits of a maximum's slot: microseconds, up to ~19 hours; the window number above them. */
    private static final int MICROS_BITS = 36;

    private static final long MAX_MICROS = (1L << MICROS_BITS) - 1;

    private static final long[] UPPER_BOUNDS_NANOS = DistributionStatisticConfig.builder()
            .percentilesHistogram(true)
            .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
            .maximumExpectedValue((double) Duration.ofSeconds(60).toNanos())
            .build()
            .merge(DistributionStatisticConfig.DEFAULT)
            .getHistogramBuckets(true)
            .stream()
            .mapToLong(Double::longValue)
            .toArray();

    private static final List<Long> UPPER_BOUNDS =
            List.copyOf(Arrays.stream(UPPER_BOUNDS_NANOS).boxed().toList());

    private final String service;
    private final int nodePort;
    private final LongSupplier nanoClock;
    private final long origin;
    // one per bucket, the last for durations beyond the last bound
    private final AtomicLongArray counts = new AtomicLongArray(UPPER_BOUNDS_NANOS.length + 1);
    private final AtomicLong sumNanos = new AtomicLong();
    private final AtomicLongArray maxima = new AtomicLongArray(MAX_WINDOWS);

    public RequestDurations(String service, int nodePort) {
        this(service, nodePort, System::nanoTime);
    }

    RequestDurations(String service, int nodePort, LongSupplier nanoClock) {
        this.service = requireNonNull(service, "service is null");
        this.nodePort = nodePort;
        this.nanoClock = requireNonNull(nanoClock, "nanoClock is null");
        this.origin = nanoClock.getAsLong();
    }

    /** The buckets' upper bounds in nanoseconds, ascending; a last, unbounded bucket follows them. */
    public static List<Long> upperBoundsNanos() {
        return UPPER_BOUNDS;
    }

    /** Records one response; a negative duration counts as zero. Safe from any thread, allocates nothing. */
    public void record(long durationNanos) {
        long nanos = Math.max(0, durationNanos);
        counts.getAndIncrement(bucket(nanos));
        sumNanos.getAndAdd(nanos);
        long window = (nanoClock.getAsLong() - origin) / MAX_WINDOW_NANOS;
        long candidate = (window << MICROS_BITS) | Math.min(nanos / 1_000, MAX_MICROS);
        maxima.accumulateAndGet((int) (window % MAX_WINDOWS), candidate, RequestDurations::larger);
    }

    /**
     * The larger of two non-negative values, without a branch. "A new maximum" is the rare branch of any maximum: one
     * that C2 compiled out of the data path during the warm-up took an uncommon trap at the first longer response of
     * the next round (docs/benchmarks.md, session 19).
     */
    static long larger(long a, long b) {
        long difference = a - b;
        return a - (difference & (difference >> 63));
    }

    /**
     * The first bucket whose bound is at least {@code nanos} (Prometheus' {@code le}), else the unbounded one. A
     * binary search without an early exit on an exact bound, which would be a branch the warm-up rarely takes.
     */
    static int bucket(long nanos) {
        int low = 0;
        int high = UPPER_BOUNDS_NANOS.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (UPPER_BOUNDS_NANOS[middle] < nanos) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** A copy of the counts, their sum and the maximum of the recent windows (zero when none recorded in them). */
    public Snapshot snapshot() {
        List<Long> perBucket = new ArrayList<>(counts.length());
        for (int i = 0; i < counts.length(); i++) {
            perBucket.add(counts.get(i));
        }
        long window = (nanoClock.getAsLong() - origin) / MAX_WINDOW_NANOS;
        long maxMicros = 0;
        for (int slot = 0; slot < MAX_WINDOWS; slot++) {
            long value = maxima.get(slot);
            if (window - (value >>> MICROS_BITS) < MAX_WINDOWS) {
                maxMicros = Math.max(maxMicros, value & MAX_MICROS);
            }
        }
        return new Snapshot(service, nodePort, perBucket, sumNanos.get(), maxMicros * 1_000);
    }

    /**
     * One node port's durations at one moment.
     *
     * @param counts responses per bucket of {@link #upperBoundsNanos()} (not cumulative), then those beyond the last
     * @param sumNanos the sum of every recorded duration
     * @param maxNanos the longest duration of the last 80–120 s, to the microsecond; zero when there was none
     */
    public record Snapshot(String service, int nodePort, List<Long> counts, long sumNanos, long maxNanos) {

        public Snapshot {
            requireNonNull(service, "service is null");
            counts = List.copyOf(counts);
            if (counts.size() != UPPER_BOUNDS_NANOS.length + 1) {
                throw new IllegalArgumentException(
                        "counts must have one entry per bucket and one beyond: " + counts.size());
            }
        }

        /** Every response recorded. */
        public long count() {
            return counts.stream().mapToLong(Long::longValue).sum();
        }
    }
}
