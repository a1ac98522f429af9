package io.orbit.proxy.internal;

import java.util.function.Consumer;
import org.eclipse.jetty.util.Callback;

/**
 * A callback Jetty may run on the selector thread itself: everything the data path does on an I/O event is short and
 * never blocks, which is what saves the hand-off to another thread (RUNTIME-FACTS §4.1).
 */
final class NonBlockingCallback implements Callback {

    private final Runnable onSuccess;
    private final Consumer<Throwable> onFailure;

    NonBlockingCallback(Runnable onSuccess, Consumer<Throwable> onFailure) {
        this.onSuccess = onSuccess;
        this.onFailure = onFailure;
    }

    @Override
    public void succeeded() {
        onSuccess.run();
    }

    @Override
    public void failed(Throwable failure) {
        onFailure.accept(failure);
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }
}
