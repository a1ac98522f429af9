package io.orbit.proxy.internal;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritePendingException;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;

/** An endpoint whose writes, asked for on its selector's thread, wait for the end of the batch ({@link BatchingSelector}). */
final class BatchedEndPoint extends SocketChannelEndPoint {

    private final BatchingSelector selector;
    private @Nullable Callback heldCallback;
    private ByteBuffer @Nullable [] heldBuffers;

    BatchedEndPoint(SocketChannel channel, BatchingSelector selector, SelectionKey key, Scheduler scheduler) {
        super(channel, selector, key, scheduler);
        this.selector = selector;
    }

    @Override
    public void write(Callback callback, ByteBuffer... buffers) throws WritePendingException {
        if (!selector.onSelectorThread()) {
            super.write(callback, buffers);
            return;
        }
        if (heldCallback != null) {
            throw new WritePendingException();
        }
        heldCallback = callback;
        heldBuffers = buffers;
        selector.defer(this);
    }

    /** Sends the held write; its callback hears of the outcome as of any write that did not complete at once. */
    void sendDeferred() {
        Callback callback = heldCallback;
        ByteBuffer[] buffers = heldBuffers;
        heldCallback = null;
        heldBuffers = null;
        if (callback != null && buffers != null) {
            super.write(callback, buffers);
        }
    }
}
