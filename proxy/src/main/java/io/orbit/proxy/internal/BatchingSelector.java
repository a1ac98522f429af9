package io.orbit.proxy.internal;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.jspecify.annotations.Nullable;

/**
 * A selector that sends the writes its own thread asks for after the batch of keys that asked for them, all at once,
 * instead of each between the reads of the others: a client with many connections then finds several answers per
 * wake-up, as behind HAProxy, instead of waking for each one (docs/benchmarks.md, session 15).
 *
 * <p>The writes go out from a {@link ManagedSelector.SelectorUpdate}, which Jetty runs on this same thread after the
 * keys of one {@code select} and before the next, so no write waits for another {@code select}. Writes asked for on
 * any other thread go out at once.
 */
final class BatchingSelector extends ManagedSelector {

    private final ArrayDeque<BatchedEndPoint> deferred = new ArrayDeque<>();
    private final SelectorUpdate flush = selector -> flushDeferred();
    private volatile @Nullable Thread selecting;
    private boolean flushSubmitted;

    BatchingSelector(SelectorManager manager, int id) {
        super(manager, id);
    }

    @Override
    protected int nioSelect(Selector selector, boolean now) throws IOException {
        selecting = Thread.currentThread();
        return super.nioSelect(selector, now);
    }

    /** True on the thread that runs this selector's keys, where a write may wait for the end of the batch. */
    boolean onSelectorThread() {
        return Thread.currentThread() == selecting;
    }

    /** Queues {@code endPoint}'s held write; the first of a batch also asks for the flush. */
    void defer(BatchedEndPoint endPoint) {
        boolean submit;
        synchronized (deferred) {
            deferred.add(endPoint);
            submit = !flushSubmitted;
            flushSubmitted = true;
        }
        if (submit) {
            submit(flush);
        }
    }

    private void flushDeferred() {
        while (true) {
            BatchedEndPoint next;
            synchronized (deferred) {
                next = deferred.poll();
                if (next == null) {
                    flushSubmitted = false;
                    return;
                }
            }
            next.sendDeferred();
        }
    }
}
