package io.orbit.engine.health;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Restarts per {@link SlotKey}: the back-off before the next one, and whether the slot is crash-looping. Written by
 * reconcile passes (which restart) and the health monitor (which sees pods become healthy); each slot's record is
 * updated atomically through the map, so there is no lock shared across slots.
 */
public final class RestartLedger {

    /** What {@code /status} shows of a slot. */
    public record Record(
            int restartCount,
            Optional<Instant> lastRestart,
            Optional<String> lastReason,
            boolean crashLoop,
            Instant nextRestartAllowed,
            int startupFailuresInARow) {}

    /**
     * A slot as the state store keeps it across a daemon restart: enough to keep its back-off and crash loop. A healthy
     * spell is not kept (health is observed again after a restart).
     */
    public record SlotState(
            SlotKey key,
            int restartCount,
            int streak,
            List<Instant> recent,
            Optional<Instant> lastRestart,
            Optional<String> lastReason,
            boolean crashLoop,
            Instant nextRestartAllowed,
            int startupFailuresInARow) {
        public SlotState {
            requireNonNull(key, "key is null");
            recent = List.copyOf(recent);
            requireNonNull(lastRestart, "lastRestart is null");
            requireNonNull(lastReason, "lastReason is null");
            requireNonNull(nextRestartAllowed, "nextRestartAllowed is null");
        }
    }

    /** What a recorded restart led to. */
    public record Outcome(int restartCount, Duration nextDelay, boolean enteredCrashLoop) {}

    private static final class Slot {
        int restartCount;
        int streak;
        final Deque<Instant> recent = new ArrayDeque<>();

        @Nullable
        Instant lastRestart;

        @Nullable
        String lastReason;

        boolean crashLoop;
        Instant nextAllowed = Instant.EPOCH;
        int startupFailuresInARow;

        @Nullable
        Instant healthySince;

        Record snapshot() {
            return new Record(
                    restartCount,
                    Optional.ofNullable(lastRestart),
                    Optional.ofNullable(lastReason),
                    crashLoop,
                    nextAllowed,
                    startupFailuresInARow);
        }
    }

    private final RestartBackoff backoff;
    private final RandomGenerator random;
    private final Map<SlotKey, Slot> slots = new ConcurrentHashMap<>();

    public RestartLedger(RestartBackoff backoff, RandomGenerator random) {
        this.backoff = requireNonNull(backoff, "backoff is null");
        this.random = requireNonNull(random, "random is null");
    }

    public RestartBackoff backoff() {
        return backoff;
    }

    public Optional<Record> record(SlotKey key) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return Optional.empty();
        }
        synchronized (slot) {
            return Optional.of(slot.snapshot());
        }
    }

    /** The earliest time the slot may restart; {@link Instant#EPOCH} when it never restarted. */
    public Instant restartAllowedAt(SlotKey key) {
        return record(key).map(Record::nextRestartAllowed).orElse(Instant.EPOCH);
    }

    public boolean isCrashLooping(SlotKey key) {
        return record(key).map(Record::crashLoop).orElse(false);
    }

    /** Counts a restart (or replacement) made now, and sets the back-off before the next one. */
    public Outcome restarted(SlotKey key, String reason, Instant now) {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        synchronized (slot) {
            slot.restartCount++;
            slot.streak++;
            slot.lastRestart = now;
            slot.lastReason = reason;
            slot.healthySince = null;
            slot.recent.addLast(now);
            Instant windowStart = now.minus(backoff.crashLoopWindow());
            while (!slot.recent.isEmpty() && slot.recent.peekFirst().isBefore(windowStart)) {
                slot.recent.removeFirst();
            }
            boolean entered = false;
            if (!slot.crashLoop && slot.recent.size() >= backoff.crashLoopRestarts()) {
                slot.crashLoop = true;
                entered = true;
            }
            Duration delay = slot.crashLoop ? backoff.cap() : backoff.delayAfter(slot.streak, random);
            slot.nextAllowed = now.plus(delay);
            return new Outcome(slot.restartCount, delay, entered);
        }
    }

    /**
     * Counts a startup that timed out; {@code threshold} of them in a row put the slot in a crash loop. Returns true
     * when this one did.
     */
    public boolean startupFailed(SlotKey key, int threshold, Instant now) {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        synchronized (slot) {
            slot.startupFailuresInARow++;
            slot.healthySince = null;
            if (!slot.crashLoop && threshold > 0 && slot.startupFailuresInARow >= threshold) {
                slot.crashLoop = true;
                slot.nextAllowed = later(slot.nextAllowed, now.plus(backoff.cap()));
                return true;
            }
            return false;
        }
    }

    /**
     * The slot's pod is ready (or, without probes, running). After {@code resetAfter} of this, its restart streak and
     * crash loop are forgotten. Returns true when this call did the reset.
     */
    public boolean healthy(SlotKey key, Instant now) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            slot.startupFailuresInARow = 0;
            if (slot.healthySince == null) {
                slot.healthySince = now;
                return false;
            }
            boolean due =
                    (slot.streak > 0 || slot.crashLoop) && !now.isBefore(slot.healthySince.plus(backoff.resetAfter()));
            if (due) {
                slot.streak = 0;
                slot.crashLoop = false;
                slot.recent.clear();
                slot.nextAllowed = Instant.EPOCH;
            }
            return due;
        }
    }

    /** The slot's pod is not ready: a healthy spell ends. */
    public void notHealthy(SlotKey key) {
        Slot slot = slots.get(key);
        if (slot != null) {
            synchronized (slot) {
                slot.healthySince = null;
            }
        }
    }

    /** Forgets the service's slots except {@code keep} (slots scaled away, old specs, deleted services). */
    public void retain(String service, Set<SlotKey> keep) {
        slots.keySet().removeIf(key -> key.service().equals(service) && !keep.contains(key));
    }

    /** The slots of a service that are crash-looping now. */
    public List<SlotKey> crashLooping(String service) {
        List<SlotKey> looping = new ArrayList<>();
        slots.forEach((key, slot) -> {
            if (key.service().equals(service) && isCrashLooping(key)) {
                looping.add(key);
            }
        });
        return looping;
    }

    /** Every slot (for the state store), in no particular order. */
    public List<SlotState> export() {
        List<SlotState> states = new ArrayList<>();
        slots.forEach((key, slot) -> {
            synchronized (slot) {
                states.add(new SlotState(
                        key,
                        slot.restartCount,
                        slot.streak,
                        List.copyOf(slot.recent),
                        Optional.ofNullable(slot.lastRestart),
                        Optional.ofNullable(slot.lastReason),
                        slot.crashLoop,
                        slot.nextAllowed,
                        slot.startupFailuresInARow));
            }
        });
        return states;
    }

    /** Takes back slots a previous run kept; a slot already recorded since the start wins. */
    public void restore(List<SlotState> states) {
        for (SlotState state : states) {
            Slot slot = new Slot();
            slot.restartCount = state.restartCount();
            slot.streak = state.streak();
            slot.recent.addAll(state.recent());
            slot.lastRestart = state.lastRestart().orElse(null);
            slot.lastReason = state.lastReason().orElse(null);
            slot.crashLoop = state.crashLoop();
            slot.nextAllowed = state.nextRestartAllowed();
            slot.startupFailuresInARow = state.startupFailuresInARow();
            slots.putIfAbsent(state.key(), slot);
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
