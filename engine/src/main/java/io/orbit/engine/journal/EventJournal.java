package io.orbit.engine.journal;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The last {@code capacity} journal entries. Writers append (cheap, never blocks on readers); readers ask for entries
 * after a sequence number and may wait for new ones ({@code orbit events --follow}). Thread-safe.
 */
public final class EventJournal {

    public static final int DEFAULT_CAPACITY = 2000;

    private final InstantSource clock;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final ArrayDeque<JournalEntry> entries = new ArrayDeque<>();
    private long nextSequence = 1;

    public EventJournal(InstantSource clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    public JournalEntry record(String kind, Optional<String> service, Optional<String> pod, String message) {
        lock.lock();
        try {
            JournalEntry entry = new JournalEntry(nextSequence++, clock.instant(), kind, service, pod, message);
            entries.addLast(entry);
            if (entries.size() > capacity) {
                entries.removeFirst();
            }
            appended.signalAll();
            return entry;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes back the entries a previous run kept (the state store's journal, oldest first): they come before anything
     * recorded since the start, which is renumbered after them, so sequence numbers keep growing across a restart and a
     * client's "after N" stays valid.
     */
    public void restore(List<JournalEntry> older) {
        if (older.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            List<JournalEntry> recent = List.copyOf(entries);
            entries.clear();
            long last = 0;
            for (JournalEntry entry : older) {
                if (entry.sequence() > last) {
                    entries.addLast(entry);
                    last = entry.sequence();
                }
            }
            for (JournalEntry entry : recent) {
                last++;
                entries.addLast(new JournalEntry(
                        last, entry.time(), entry.kind(), entry.service(), entry.pod(), entry.message()));
            }
            while (entries.size() > capacity) {
                entries.removeFirst();
            }
            nextSequence = last + 1;
            appended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The sequence number of the last entry recorded (0 before the first). */
    public long lastSequence() {
        lock.lock();
        try {
            return nextSequence - 1;
        } finally {
            lock.unlock();
        }
    }

    /** Entries with a sequence greater than {@code after} (0 for all that are kept), oldest first. */
    public List<JournalEntry> after(long after) {
        lock.lock();
        try {
            return entries.stream().filter(entry -> entry.sequence() > after).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Like {@link #after}, but waits up to {@code timeout} for at least one entry. */
    public List<JournalEntry> await(long after, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (nextSequence - 1 <= after) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                appended.await(left, TimeUnit.NANOSECONDS);
            }
            return after(after);
        } finally {
            lock.unlock();
        }
    }
}
