package io.orbit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.routing.Route;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hold queue of a scaled-to-zero route with fakes: a manual timer, an executor that runs when the test says, and
 * held requests that record what the activator asked of them.
 */
class ActivatorTest {

    private final ManualTimer timer = new ManualTimer();
    private final ArrayDeque<Runnable> executor = new ArrayDeque<>();
    private final List<String> nudges = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final Activator activator =
            new Activator("web", new Route.Activation(3, Duration.ofSeconds(30)), timer, executor::add, nudges::add);

    @Test
    void heldRequestsAreReleasedInArrivalOrderWhenABackendMayBeReady() {
        Activator.Entry first = hold("first");
        Activator.Entry second = hold("second");
        assertThat(activator.pending()).isEqualTo(2);
        assertThat(events).isEmpty();

        activator.wake();
        assertThat(events)
                .as("released on the executor, not the caller's thread")
                .isEmpty();
        runExecutor();

        assertThat(events).containsExactly("release first", "release second");
        assertThat(activator.pending())
                .as("released is not left: still pending until dispatched")
                .isEqualTo(2);
        activator.leave(first);
        activator.leave(second);
        assertThat(activator.pending()).isZero();
        assertThat(timer.cancelled).isEqualTo(2);
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void aFullQueueRefusesTheNextRequestAtOnce() {
        hold("a");
        hold("b");
        hold("c");

        Activator.Entry refused = activator.entry(new Recording("d"));
        assertThat(activator.hold(refused)).isFalse();

        assertThat(activator.pending()).isEqualTo(3);
        assertThat(activator.rejectedFull()).isEqualTo(1);
        assertThat(timer.pendingTasks()).as("no deadline for a refused request").isEqualTo(3);
    }

    @Test
    void theDeadlineExpiresAHeldRequestAndAReleasedOneHeldAgainKeepsItsDeadline() {
        Activator.Entry entry = hold("a");
        timer.advance(Duration.ofSeconds(20));
        activator.wake();
        runExecutor();
        assertThat(activator.hold(entry)).as("no backend after all: held again").isTrue();
        assertThat(timer.pendingTasks())
                .as("the first deadline still runs, no second one")
                .isEqualTo(1);

        timer.advance(Duration.ofSeconds(10));

        assertThat(events).containsExactly("release a", "expire a");
        assertThat(activator.expired()).isEqualTo(1);
        activator.leave(entry); // what the connection does on expiry
        assertThat(activator.pending()).isZero();
    }

    @Test
    void aRequestWhoseClientWentAwayLeavesTheQueueAndTheCount() {
        Activator.Entry gone = hold("gone");
        hold("stays");

        activator.leave(gone);
        activator.leave(gone); // idempotent: abort and close may both call it
        activator.wake();
        runExecutor();

        assertThat(activator.pending()).isEqualTo(1);
        assertThat(events).containsExactly("release stays");
        timer.advance(Duration.ofSeconds(30));
        assertThat(events).as("a left request never expires").containsExactly("release stays", "expire stays");
    }

    @Test
    void theNudgeFiresOncePerActivation() {
        Activator.Entry a = hold("a");
        Activator.Entry b = hold("b");
        assertThat(nudges).containsExactly("web");

        activator.leave(a);
        activator.leave(b);
        hold("c");

        assertThat(nudges).as("a new activation after every held request left").containsExactly("web", "web");
        assertThat(activator.activations()).isEqualTo(2);
    }

    @Test
    void aWakeWithNothingHeldDoesNothing() {
        activator.wake();
        assertThat(executor).isEmpty();
    }

    private Activator.Entry hold(String name) {
        Activator.Entry entry = activator.entry(new Recording(name));
        assertThat(activator.hold(entry)).isTrue();
        return entry;
    }

    private void runExecutor() {
        while (!executor.isEmpty()) {
            executor.poll().run();
        }
    }

    private final class Recording implements Activator.Held {
        private final String name;

        Recording(String name) {
            this.name = name;
        }

        @Override
        public void release() {
            events.add("release " + name);
        }

        @Override
        public void expire() {
            events.add("expire " + name);
        }
    }

    /** Runs scheduled tasks when the test advances its time. */
    private static final class ManualTimer implements Activator.Timer {
        private record Task(long dueNanos, Runnable task, boolean[] cancelled) {}

        private final List<Task> tasks = new ArrayList<>();
        private long nowNanos;
        int cancelled;

        @Override
        public Runnable schedule(Runnable task, long delayNanos) {
            Task scheduled = new Task(nowNanos + delayNanos, task, new boolean[1]);
            tasks.add(scheduled);
            return () -> {
                if (!scheduled.cancelled()[0] && tasks.remove(scheduled)) {
                    scheduled.cancelled()[0] = true;
                    cancelled++;
                }
            };
        }

        void advance(Duration duration) {
            nowNanos += duration.toNanos();
            for (Task task : List.copyOf(tasks)) {
                if (task.dueNanos() <= nowNanos && tasks.remove(task)) {
                    task.task().run();
                }
            }
        }

        int pendingTasks() {
            return tasks.size();
        }
    }
}
