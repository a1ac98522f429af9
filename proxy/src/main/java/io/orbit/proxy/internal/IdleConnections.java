package io.orbit.proxy.internal;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A listener's idle client connections, least recently idle first: the ones to close when the connection limit is
 * reached. Idle means no request in progress — the connection has not sent a byte yet, or it sits between keep-alive
 * requests; a connection with a partial head, an exchange in flight or an upgraded tunnel is never in the list.
 *
 * <p>An intrusive doubly linked list: each connection owns its {@link Node}, so every transition is O(1) and allocates
 * nothing, and finding the oldest idle connection is a look at the head, never a scan. One monitor guards the list;
 * it is held for a few pointer updates only. Connections call {@link #idle}/{@link #busy}/{@link #closed} under their
 * own monitor, so the lock order is always connection, then list.
 *
 * <p>Eviction is two steps because the evicting thread (the one accepting a new connection) does not hold the victim's
 * monitor: {@link #pollOldest} unlinks the head and marks it {@code EVICTING}; the evictor then takes the victim's
 * monitor and calls {@link #claim}, which succeeds only if the victim is still {@code EVICTING}. If a request started
 * on the victim in between, {@link #busy} turned it {@code BUSY}, the claim fails and the victim lives on: a connection
 * with a request in progress is never closed by eviction.
 */
final class IdleConnections<T> {

    /**
     * Where a connection stands. Written under the list's monitor only; volatile so that a connection can skip the
     * monitor when it reads {@code BUSY} (only the connection itself, under its own monitor, moves it out of BUSY).
     */
    enum State {
        /** A request is in progress (or the connection is not counted yet). Not in the list. */
        BUSY,
        /** In the list. */
        IDLE,
        /** Taken off the list by {@link #pollOldest}; the evictor has yet to {@link #claim} it. */
        EVICTING,
        /** Closed or evicted for good; never enters the list again. */
        CLOSED
    }

    /** A connection's place in the list. */
    static final class Node<T> {
        final T owner;
        volatile State state = State.BUSY;

        @Nullable
        Node<T> previous;

        @Nullable
        Node<T> next;

        Node(T owner) {
            this.owner = requireNonNull(owner, "owner is null");
        }
    }

    @Nullable
    private Node<T> head;

    @Nullable
    private Node<T> tail;

    private int size;

    /** The connection has no request in progress: it becomes the most recently idle. No-op unless {@code BUSY}. */
    synchronized void idle(Node<T> node) {
        if (node.state != State.BUSY) {
            return;
        }
        node.state = State.IDLE;
        node.previous = tail;
        node.next = null;
        if (tail == null) {
            head = node;
        } else {
            tail.next = node;
        }
        tail = node;
        size++;
    }

    /** A request started on the connection; cancels a pending eviction. */
    synchronized void busy(Node<T> node) {
        if (node.state == State.IDLE) {
            unlink(node);
        }
        if (node.state != State.CLOSED) {
            node.state = State.BUSY;
        }
    }

    /** The connection closed: it leaves the list for good. */
    synchronized void closed(Node<T> node) {
        if (node.state == State.IDLE) {
            unlink(node);
        }
        node.state = State.CLOSED;
    }

    /** Unlinks the least recently idle connection and marks it {@code EVICTING}; null when none is idle. */
    synchronized @Nullable Node<T> pollOldest() {
        Node<T> oldest = head;
        if (oldest != null) {
            unlink(oldest);
            oldest.state = State.EVICTING;
        }
        return oldest;
    }

    /**
     * True when {@code node} is still {@code EVICTING} (no request started since {@link #pollOldest}): it is then
     * {@code CLOSED} and the caller closes the connection. Called under the victim's monitor.
     */
    synchronized boolean claim(Node<T> node) {
        if (node.state != State.EVICTING) {
            return false;
        }
        node.state = State.CLOSED;
        return true;
    }

    synchronized int size() {
        return size;
    }

    synchronized State state(Node<T> node) {
        return node.state;
    }

    private void unlink(Node<T> node) {
        Node<T> previous = node.previous;
        Node<T> next = node.next;
        if (previous == null) {
            head = next;
        } else {
            previous.next = next;
        }
        if (next == null) {
            tail = previous;
        } else {
            next.previous = previous;
        }
        node.previous = null;
        node.next = null;
        size--;
    }
}
