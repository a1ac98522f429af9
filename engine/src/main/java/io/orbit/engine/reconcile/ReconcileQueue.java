package io.orbit.engine.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A de-duplicating work queue of service names with per-key back-off (client-go's rate-limited queue, simplified).
 *
 * <ul>
 *   <li>A key is queued at most once, and never handed to two workers at once: a key enqueued while it is being
 *       processed is handed out again after {@link #done}.
 *   <li>After a failure the key waits {@link RetryBackoff} before its next pass; ordinary triggers (events, resync)
 *       do not cut that wait short, {@link #enqueueNow} (a config change) does and resets the count.
 *   <li>{@link #retryAllNow} (the engine came back after an outage) forgets every key's back-off and hands the keys
 *       that were waiting out at once: the failures were the engine's absence, not the services'.
 *   <li>{@link #enqueueAfter} is an explicit timed requeue (controller-runtime's {@code RequeueAfter}); unlike a
 *       failure's back-off it holds nothing back: ordinary triggers still run the key at once.
 * </ul>
 *
 * Thread-safe. Time comes from the injected clock, so back-off is tested without sleeping ({@link #poll}).
 */
public final class ReconcileQueue {

    private final InstantSource clock;
    private final RetryBackoff backoff;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LinkedHashSet<String> ready = new LinkedHashSet<>();
    /** Failure back-off: the key is not handed out before then, whatever asks for it. */
    private final Map<String, Instant> notBefore = new HashMap<>();
    /** Timed requeues: the key is queued then, and may run earlier for any other reason. */
    private final Map<String, Instant> requeueAt = new HashMap<>();

    private final Map<String, Integer> failures = new HashMap<>();
    private final Set<String> processing = new HashSet<>();
    private final Set<String> dirty = new HashSet<>();
    private boolean shutDown;

    public ReconcileQueue(InstantSource clock, RetryBackoff backoff) {
        this.clock = clock;
        this.backoff = backoff;
    }

    /** Asks for a pass as soon as the key's back-off, if any, allows. */
    public void enqueue(String key) {
        lock.lock();
        try {
            if (processing.contains(key)) {
                dirty.add(key);
            } else if (!notBefore.containsKey(key)) {
                ready.add(key);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Asks for a pass now, forgetting past failures: the input changed, so the old back-off no longer applies. */
    public void enqueueNow(String key) {
        lock.lock();
        try {
            failures.remove(key);
            notBefore.remove(key);
        } finally {
            lock.unlock();
        }
        enqueue(key);
    }

    /**
     * Forgets every key's failures and back-off, and queues each key that was waiting out a back-off: after an engine
     * outage every service failed for the same reason, and waiting up to 5 minutes once it is back would delay healing
     * for nothing. Returns how many keys were released.
     */
    public int retryAllNow() {
        lock.lock();
        try {
            int released = notBefore.size();
            for (String key : notBefore.keySet()) {
                if (processing.contains(key)) {
                    dirty.add(key);
                } else {
                    ready.add(key);
                }
            }
            notBefore.clear();
            failures.clear();
            changed.signalAll();
            return released;
        } finally {
            lock.unlock();
        }
    }

    /** Asks for a pass after a delay (unless one is due earlier). */
    public void enqueueAfter(String key, Duration delay) {
        lock.lock();
        try {
            Instant due = clock.instant().plus(delay);
            requeueAt.merge(key, due, (current, proposed) -> current.isBefore(proposed) ? current : proposed);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Takes the next key without waiting, or empty when none is due. */
    public Optional<String> poll() {
        lock.lock();
        try {
            return Optional.ofNullable(next());
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the next key; empty once the queue is shut down. */
    public Optional<String> take() throws InterruptedException {
        lock.lock();
        try {
            while (!shutDown) {
                String key = next();
                if (key != null) {
                    return Optional.of(key);
                }
                changed.await(millisUntilNextDue(), TimeUnit.MILLISECONDS);
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Marks a pass finished. On failure the key is retried after its back-off; on success the count resets. */
    public void done(String key, boolean succeeded) {
        lock.lock();
        try {
            processing.remove(key);
            if (succeeded) {
                failures.remove(key);
            } else {
                int count = failures.merge(key, 1, Integer::sum);
                notBefore.put(key, clock.instant().plus(backoff.delayAfter(count)));
                dirty.remove(key);
            }
            if (dirty.remove(key) && !notBefore.containsKey(key)) {
                ready.add(key);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many failures in a row the key has had. */
    public int failures(String key) {
        lock.lock();
        try {
            return failures.getOrDefault(key, 0);
        } finally {
            lock.unlock();
        }
    }

    public void shutDown() {
        lock.lock();
        try {
            shutDown = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private @Nullable String next() {
        Instant now = clock.instant();
        notBefore.entrySet().removeIf(entry -> {
            if (!entry.getValue().isAfter(now)) {
                ready.add(entry.getKey());
                return true;
            }
            return false;
        });
        requeueAt.entrySet().removeIf(entry -> {
            if (!entry.getValue().isAfter(now)) {
                if (processing.contains(entry.getKey())) {
                    dirty.add(entry.getKey());
                } else if (!notBefore.containsKey(entry.getKey())) {
                    ready.add(entry.getKey());
                }
                return true;
            }
            return false;
        });
        for (String key : ready) {
            if (!processing.contains(key)) {
                ready.remove(key);
                processing.add(key);
                return key;
            }
        }
        return null;
    }

    private long millisUntilNextDue() {
        Instant now = clock.instant();
        return java.util.stream.Stream.concat(notBefore.values().stream(), requeueAt.values().stream())
                .map(due -> Math.max(1, Duration.between(now, due).toMillis()))
                .min(Long::compare)
                .orElse(1000L);
    }
}
