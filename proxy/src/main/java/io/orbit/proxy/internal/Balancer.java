package io.orbit.proxy.internal;

import io.orbit.proxy.ProxyOptions.LoadBalancing;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Picks a ready backend for one request. P2C compares in-flight requests only: upgraded (WebSocket) connections are
 * counted apart, so one long-lived socket is not "one request forever". No locks, no allocation.
 */
public abstract sealed class Balancer {

    public static Balancer of(LoadBalancing balancing) {
        return switch (balancing) {
            case P2C -> new PowerOfTwoChoices();
            case ROUND_ROBIN -> new RoundRobin();
        };
    }

    /**
     * @param exclude the backends this request already failed on, or null (the first attempt)
     * @return a ready backend not in {@code exclude}, or null when there is none
     */
    public abstract @Nullable BackendState choose(
            BackendState[] backends, long nowNanos, @Nullable Set<BackendState> exclude);

    static boolean eligible(BackendState backend, long nowNanos, @Nullable Set<BackendState> exclude) {
        return backend.isReady(nowNanos) && (exclude == null || !exclude.contains(backend));
    }

    /** The first eligible backend at or after {@code start}, wrapping around. */
    static @Nullable BackendState scan(
            BackendState[] backends, int start, long nowNanos, @Nullable Set<BackendState> exclude) {
        int n = backends.length;
        for (int i = 0; i < n; i++) {
            BackendState candidate = backends[(start + i) % n];
            if (eligible(candidate, nowNanos, exclude)) {
                return candidate;
            }
        }
        return null;
    }

    static final class PowerOfTwoChoices extends Balancer {
        @Override
        public @Nullable BackendState choose(
                BackendState[] backends, long nowNanos, @Nullable Set<BackendState> exclude) {
            int n = backends.length;
            if (n == 0) {
                return null;
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            BackendState first = scan(backends, random.nextInt(n), nowNanos, exclude);
            if (first == null || n == 1) {
                return first;
            }
            BackendState second = scan(backends, random.nextInt(n), nowNanos, exclude);
            if (second == null || second == first) {
                // Both draws landed on the same ready backend: compare with its next ready neighbour instead.
                second = scan(backends, (indexOf(backends, first) + 1) % n, nowNanos, exclude);
            }
            if (second == null || second == first) {
                return first;
            }
            return second.inFlight() < first.inFlight() ? second : first;
        }

        private static int indexOf(BackendState[] backends, BackendState backend) {
            for (int i = 0; i < backends.length; i++) {
                if (backends[i] == backend) {
                    return i;
                }
            }
            return 0;
        }
    }

    static final class RoundRobin extends Balancer {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public @Nullable BackendState choose(
                BackendState[] backends, long nowNanos, @Nullable Set<BackendState> exclude) {
            int n = backends.length;
            if (n == 0) {
                return null;
            }
            return scan(backends, Math.floorMod(next.getAndIncrement(), n), nowNanos, exclude);
        }
    }
}
