package io.orbit.proxy.internal;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.routing.ActivationListener;
import io.orbit.engine.routing.Route;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scale from zero on one node port (Knative's activator, inside the proxy): while the route has no ready backend, its
 * requests are held here instead of answered 503 — at most {@link Route.Activation#queue()} at once, each for at most
 * {@link Route.Activation#timeout()} — and released in arrival order when a backend becomes ready (a route publish, a
 * first passing health check). The first held request of an activation tells the {@link ActivationListener} (the
 * autoscaler), so a pod starts at once.
 *
 * <p>Threading: a request is held and leaves under its connection's monitor; this object's own lock guards only the
 * queue, for a few pointer updates, and is never held while a connection's monitor is taken: {@link #wake} releases
 * the held requests outside it, on the proxy's executor (a connection that holds a request never waits for another
 * connection's monitor). Carried across route versions of the same service, like the route's metrics.
 */
public final class Activator {

    /** A held request: what the activator calls back on its connection. */
    interface Held {
        /** A backend may be ready: dispatch again (or hold again, keeping the first deadline). */
        void release();

        /** The activation timeout passed while held: answer 503 with Retry-After. */
        void expire();
    }

    /** Schedules a task after a delay; returns what cancels it. The proxy's timer in production, a fake in tests. */
    @FunctionalInterface
    public interface Timer {
        Runnable schedule(Runnable task, long delayNanos);
    }

    /** One held request's place: queued or being released, and its deadline. Guarded by the activator's lock. */
    static final class Entry {
        final Activator activator;
        final Held held;
        Runnable cancelTimer = () -> {};
        /** Held once: counted in {@link #holding}, deadline running. */
        boolean counted;

        boolean queued;
        boolean left;

        Entry(Activator activator, Held held) {
            this.activator = activator;
            this.held = requireNonNull(held, "held is null");
        }
    }

    private final String service;
    private final Timer timer;
    private final Executor executor;
    private volatile Route.Activation settings;
    private volatile ActivationListener listener;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    /** Requests between their first hold and leaving (dispatched, answered or gone): {@code ServiceTraffic.pending}. */
    private final AtomicInteger holding = new AtomicInteger();

    private final AtomicInteger activations = new AtomicInteger();
    private final AtomicInteger rejectedFull = new AtomicInteger();
    private final AtomicInteger expired = new AtomicInteger();

    public Activator(
            String service, Route.Activation settings, Timer timer, Executor executor, ActivationListener listener) {
        this.service = requireNonNull(service, "service is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.timer = requireNonNull(timer, "timer is null");
        this.executor = requireNonNull(executor, "executor is null");
        this.listener = requireNonNull(listener, "listener is null");
    }

    public String service() {
        return service;
    }

    /** A reloaded route's queue size and timeout: they apply to requests held from now on. */
    public void settings(Route.Activation settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    public Route.Activation settings() {
        return settings;
    }

    public void listener(ActivationListener listener) {
        this.listener = requireNonNull(listener, "listener is null");
    }

    /** A new place for a request about to be held. */
    Entry entry(Held held) {
        return new Entry(this, held);
    }

    /**
     * Holds a request, the first time ({@code entry} new: counted, its deadline starts, refused when the queue is
     * full) or again after a {@link #wake} found no backend for it (its deadline and place in the count kept).
     *
     * @return false when the queue is full: the caller answers 503
     */
    boolean hold(Entry entry) {
        boolean first;
        boolean activation = false;
        synchronized (queue) {
            if (entry.left) {
                // Not reached (a connection never holds an entry it let go of), but were it: held anew, never stuck
                // without a deadline.
                entry.left = false;
                entry.counted = false;
            }
            first = !entry.counted;
            if (first) {
                if (holding.get() >= settings.queue()) {
                    rejectedFull.incrementAndGet();
                    entry.left = true;
                    return false;
                }
                activation = holding.incrementAndGet() == 1;
                entry.counted = true;
            }
            entry.queued = true;
            queue.addLast(entry);
        }
        if (first) {
            // Set before any leave: every leave runs under the held request's connection monitor, which the caller
            // holds.
            entry.cancelTimer =
                    timer.schedule(() -> expire(entry), settings.timeout().toNanos());
        }
        if (activation) {
            activations.incrementAndGet();
            listener.activationRequested(service);
        }
        return true;
    }

    /** The request left the hold for good (dispatched to a backend, answered, or its client went away). */
    void leave(Entry entry) {
        synchronized (queue) {
            if (entry.left) {
                return;
            }
            entry.left = true;
            if (entry.queued) {
                queue.remove(entry);
                entry.queued = false;
            }
            if (entry.counted) {
                holding.decrementAndGet();
            }
        }
        entry.cancelTimer.run();
    }

    private void expire(Entry entry) {
        synchronized (queue) {
            if (entry.left) {
                return;
            }
        }
        expired.incrementAndGet();
        entry.held.expire();
    }

    /** A backend of the route may be ready: releases every held request, in arrival order, on the executor. */
    public void wake() {
        if (holding.get() == 0) {
            return;
        }
        executor.execute(this::releaseAll);
    }

    private void releaseAll() {
        Entry[] released;
        synchronized (queue) {
            released = queue.toArray(Entry[]::new);
            queue.clear();
            for (Entry entry : released) {
                entry.queued = false;
            }
        }
        for (Entry entry : released) {
            entry.held.release();
        }
    }

    /** Requests held now. */
    public int pending() {
        return holding.get();
    }

    /** Activations so far: how often the first held request told the listener. */
    public int activations() {
        return activations.get();
    }

    public int rejectedFull() {
        return rejectedFull.get();
    }

    public int expired() {
        return expired.get();
    }
}
