package io.orbit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.SequencedSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The idle list: least recently idle first, O(1) transitions, and the two-step eviction that spares busy connections. */
class IdleConnectionsTest {

    private final IdleConnections<String> idle = new IdleConnections<>();

    private static IdleConnections.Node<String> node(String name) {
        return new IdleConnections.Node<>(name);
    }

    private List<String> drain() {
        List<String> order = new ArrayList<>();
        for (IdleConnections.Node<String> oldest = idle.pollOldest(); oldest != null; oldest = idle.pollOldest()) {
            order.add(oldest.owner);
        }
        return order;
    }

    @Test
    void evictsTheLeastRecentlyIdleFirst() {
        IdleConnections.Node<String> a = node("a");
        IdleConnections.Node<String> b = node("b");
        IdleConnections.Node<String> c = node("c");
        idle.idle(a);
        idle.idle(b);
        idle.idle(c);
        // b serves a request, then waits for the next one: it is now the most recently idle.
        idle.busy(b);
        idle.idle(b);
        assertThat(idle.size()).isEqualTo(3);
        assertThat(drain()).containsExactly("a", "c", "b");
        assertThat(idle.size()).isZero();
    }

    @Test
    void busyAndClosedConnectionsAreNeverPolled() {
        IdleConnections.Node<String> a = node("a");
        IdleConnections.Node<String> b = node("b");
        IdleConnections.Node<String> c = node("c");
        IdleConnections.Node<String> d = node("d");
        idle.idle(a);
        idle.idle(b);
        idle.idle(c);
        idle.idle(d);
        idle.busy(a); // head
        idle.closed(c); // middle
        idle.busy(d); // tail
        assertThat(idle.size()).isEqualTo(1);
        assertThat(drain()).containsExactly("b");
        assertThat(idle.state(a)).isEqualTo(IdleConnections.State.BUSY);
        assertThat(idle.state(c)).isEqualTo(IdleConnections.State.CLOSED);
    }

    @Test
    void repeatedTransitionsAreIdempotent() {
        IdleConnections.Node<String> a = node("a");
        IdleConnections.Node<String> b = node("b");
        idle.idle(a);
        idle.idle(a);
        idle.idle(b);
        idle.busy(b);
        idle.busy(b);
        assertThat(idle.size()).isEqualTo(1);
        assertThat(drain()).containsExactly("a");
    }

    @Test
    void aClosedConnectionNeverReturns() {
        IdleConnections.Node<String> a = node("a");
        idle.idle(a);
        idle.closed(a);
        idle.busy(a);
        idle.idle(a);
        assertThat(idle.size()).isZero();
        assertThat(idle.pollOldest()).isNull();
        assertThat(idle.state(a)).isEqualTo(IdleConnections.State.CLOSED);
    }

    @Test
    void aClaimSucceedsOnlyIfNoRequestStartedSinceThePoll() {
        IdleConnections.Node<String> quiet = node("quiet");
        IdleConnections.Node<String> talker = node("talker");
        idle.idle(quiet);
        idle.idle(talker);

        assertThat(idle.pollOldest()).isSameAs(quiet);
        assertThat(idle.state(quiet)).isEqualTo(IdleConnections.State.EVICTING);
        assertThat(idle.claim(quiet)).isTrue();
        assertThat(idle.state(quiet)).isEqualTo(IdleConnections.State.CLOSED);
        assertThat(idle.claim(quiet)).as("a second claim").isFalse();

        // The talker is picked, then sends a request before the evictor holds its monitor: it must survive.
        assertThat(idle.pollOldest()).isSameAs(talker);
        idle.busy(talker);
        assertThat(idle.claim(talker)).isFalse();
        assertThat(idle.state(talker)).isEqualTo(IdleConnections.State.BUSY);
        // Once its exchange completes it is evictable again, at the tail.
        idle.idle(talker);
        assertThat(idle.pollOldest()).isSameAs(talker);
    }

    @Test
    void aConnectionClosedWhilePickedCannotBeClaimed() {
        IdleConnections.Node<String> a = node("a");
        idle.idle(a);
        assertThat(idle.pollOldest()).isSameAs(a);
        idle.closed(a); // the client closed it first
        assertThat(idle.claim(a)).isFalse();
        idle.idle(a);
        assertThat(idle.size()).isZero();
    }

    /** A seeded random walk checked step by step against an insertion-ordered set. */
    @Test
    void matchesAnInsertionOrderedSetOnARandomWalk() {
        Random random = new Random(13);
        List<IdleConnections.Node<String>> nodes = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            nodes.add(node("c" + i));
        }
        SequencedSet<IdleConnections.Node<String>> model = new LinkedHashSet<>();
        Deque<IdleConnections.Node<String>> closed = new ArrayDeque<>();
        for (int step = 0; step < 100_000; step++) {
            IdleConnections.Node<String> n = nodes.get(random.nextInt(nodes.size()));
            switch (random.nextInt(7)) {
                case 0, 1, 2 -> {
                    if (n.state == IdleConnections.State.BUSY) {
                        model.addLast(n);
                    }
                    idle.idle(n);
                }
                case 3, 4 -> {
                    model.remove(n);
                    idle.busy(n);
                }
                case 5 -> {
                    IdleConnections.Node<String> oldest = idle.pollOldest();
                    IdleConnections.Node<String> expected = model.isEmpty() ? null : model.removeFirst();
                    assertThat(oldest).isSameAs(expected);
                    if (oldest != null) {
                        assertThat(idle.claim(oldest)).isTrue();
                        closed.add(oldest);
                    }
                }
                default -> {
                    model.remove(n);
                    idle.closed(n);
                    closed.add(n);
                }
            }
            assertThat(idle.size()).isEqualTo(model.size());
            // Closed connections are replaced by new ones (a fresh node, as a new connection would have).
            while (!closed.isEmpty()) {
                IdleConnections.Node<String> gone = closed.poll();
                nodes.set(nodes.indexOf(gone), node(gone.owner + "'"));
            }
        }
        List<String> expected = model.stream().map(n -> n.owner).toList();
        assertThat(drain()).isEqualTo(expected);
    }

    /** Four threads flip their own connections while one evicts: no node is lost, none is polled twice. */
    @Test
    void staysConsistentUnderConcurrentTransitionsAndEvictions() throws Exception {
        int threads = 4;
        int perThread = 200;
        List<List<IdleConnections.Node<String>>> owned = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<IdleConnections.Node<String>> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(node(t + "-" + i));
            }
            owned.add(mine);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<IdleConnections.Node<String>> mine = owned.get(t);
                long seed = t;
                workers.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    start.await();
                    for (int i = 0; i < 50_000; i++) {
                        IdleConnections.Node<String> n = mine.get(random.nextInt(mine.size()));
                        // Each node is only ever moved by its owner thread, as a connection under its monitor.
                        synchronized (n) {
                            if (random.nextBoolean()) {
                                idle.idle(n);
                            } else {
                                idle.busy(n);
                            }
                        }
                    }
                    return null;
                }));
            }
            Future<Integer> evictor = pool.submit(() -> {
                start.await();
                int claimed = 0;
                for (int i = 0; i < 20_000; i++) {
                    IdleConnections.Node<String> victim = idle.pollOldest();
                    if (victim != null) {
                        synchronized (victim) {
                            if (idle.claim(victim)) {
                                claimed++;
                            }
                        }
                    }
                }
                return claimed;
            });
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS);
            }
            int claimed = evictor.get(30, TimeUnit.SECONDS);
            int idleNodes = 0;
            int closedNodes = 0;
            for (List<IdleConnections.Node<String>> mine : owned) {
                for (IdleConnections.Node<String> n : mine) {
                    switch (idle.state(n)) {
                        case IDLE -> idleNodes++;
                        case CLOSED -> closedNodes++;
                        default -> {}
                    }
                }
            }
            assertThat(closedNodes).isEqualTo(claimed);
            assertThat(idle.size()).isEqualTo(idleNodes);
            assertThat(drain()).hasSize(idleNodes).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }
}
