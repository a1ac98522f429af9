package io.orbit.proxy.internal;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Open client connections per remote address on one listener, at most {@code limit} each (nginx's {@code limit_conn}
 * on {@code $binary_remote_addr}, HAProxy's {@code conn_cur} on {@code src}). Consulted on accept and close only, never
 * per request. An address leaves the map with its last connection, so the map never holds more entries than the
 * listener has connections.
 *
 * <p>Refusals are logged at most once per address per {@code logInterval}, and at most one line per second for the
 * whole listener, each line counting the refusals it stands for: a flood from many addresses cannot flood the log.
 */
final class ClientAddressLimit {

    private static final long LISTENER_LOG_GAP_NANOS = 1_000_000_000L;

    /** A refused connection; {@code log} says whether this one should be logged. */
    record Refusal(InetAddress address, int open, long refusedSinceLastLine, boolean log) {}

    private static final class Count {
        int open;
        long refusedSinceLastLine;
        boolean logged;
        long lastLineNanos;
    }

    private final int limit;
    private final long logIntervalNanos;
    private final LongSupplier nanoClock;
    private final Map<InetAddress, Count> counts = new HashMap<>();
    private boolean anyLine;
    private long lastAnyLineNanos;

    ClientAddressLimit(int limit, long logIntervalNanos, LongSupplier nanoClock) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1: " + limit);
        }
        this.limit = limit;
        this.logIntervalNanos = logIntervalNanos;
        this.nanoClock = requireNonNull(nanoClock, "nanoClock is null");
    }

    /** Counts a new connection from {@code address}; null when admitted, the refusal when the address is at its limit. */
    synchronized @Nullable Refusal tryAcquire(InetAddress address) {
        Count count = counts.get(address);
        if (count == null) {
            count = new Count();
            counts.put(address, count);
        }
        if (count.open < limit) {
            count.open++;
            return null;
        }
        count.refusedSinceLastLine++;
        long now = nanoClock.getAsLong();
        boolean log = (!count.logged || now - count.lastLineNanos >= logIntervalNanos)
                && (!anyLine || now - lastAnyLineNanos >= LISTENER_LOG_GAP_NANOS);
        Refusal refusal = new Refusal(address, count.open, count.refusedSinceLastLine, log);
        if (log) {
            count.logged = true;
            count.lastLineNanos = now;
            count.refusedSinceLastLine = 0;
            anyLine = true;
            lastAnyLineNanos = now;
        }
        return refusal;
    }

    /** A connection counted by {@link #tryAcquire} closed. */
    synchronized void release(InetAddress address) {
        Count count = counts.get(address);
        if (count == null) {
            throw new IllegalStateException("no open connection counted for " + address);
        }
        if (--count.open == 0) {
            counts.remove(address);
        }
    }

    synchronized int open(InetAddress address) {
        Count count = counts.get(address);
        return count == null ? 0 : count.open;
    }

    /** Addresses with at least one open connection. */
    synchronized int addresses() {
        return counts.size();
    }
}
