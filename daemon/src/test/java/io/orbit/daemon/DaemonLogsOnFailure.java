package io.orbit.daemon;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints the daemon logs of a failed {@link DaemonContract} test (they also stay in target/daemon-it). */
final class DaemonLogsOnFailure implements TestWatcher {

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        context.getTestInstance()
                .filter(DaemonContract.class::isInstance)
                .map(DaemonContract.class::cast)
                .ifPresent(test -> test.daemons().forEach(daemon -> System.out.println(daemon.tail(80))));
    }
}
