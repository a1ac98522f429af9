package io.orbit.proxy.internal;

/**
 * Active health of one backend: fall/rise thresholds over consecutive probe results. A new backend is {@link
 * Status#STARTING} and gets no traffic until its first passing probe; after that it goes DOWN after {@code fall}
 * consecutive failures and back UP after {@code rise} consecutive successes (HAProxy semantics).
 *
 * <p>Thread-safety: {@link #record} is called by this backend's own probe only (never concurrently); {@link #status}
 * is read by request threads without a lock.
 */
public final class HealthTracker {

    public enum Status {
        STARTING,
        UP,
        DOWN
    }

    private final int fall;
    private final int rise;
    private volatile Status status = Status.STARTING;
    private int consecutiveSuccesses;
    private int consecutiveFailures;

    public HealthTracker(int fall, int rise) {
        this(fall, rise, false);
    }

    /** @param up start {@link Status#UP}: the engine verified the backend already (see {@code Backend.verified}) */
    public HealthTracker(int fall, int rise, boolean up) {
        this.fall = Math.max(1, fall);
        this.rise = Math.max(1, rise);
        this.status = up ? Status.UP : Status.STARTING;
    }

    public Status status() {
        return status;
    }

    /** Records one probe result and returns the status after it. */
    public synchronized Status record(boolean passed) {
        if (passed) {
            consecutiveFailures = 0;
            consecutiveSuccesses++;
            status = switch (status) {
                case STARTING -> Status.UP;
                case UP -> Status.UP;
                case DOWN -> consecutiveSuccesses >= rise ? Status.UP : Status.DOWN;
            };
        } else {
            consecutiveSuccesses = 0;
            consecutiveFailures++;
            status = switch (status) {
                case STARTING -> Status.STARTING;
                case UP -> consecutiveFailures >= fall ? Status.DOWN : Status.UP;
                case DOWN -> Status.DOWN;
            };
        }
        return status;
    }
}
