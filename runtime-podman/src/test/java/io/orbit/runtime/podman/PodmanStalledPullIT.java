package io.orbit.runtime.podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.ImagePullException;
import io.orbit.runtime.LabelSelector;
import io.orbit.runtime.PullProgressListener;
import io.orbit.testkit.StallingListener;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A pull from a registry that accepts and never answers (a listener on 127.0.0.1 the test owns) fails after {@code
 * pull_timeout} without progress, naming the image and the registry, and the caller's thread is free again: the same
 * runtime answers the next calls at once.
 */
@Tag("container-engine")
class PodmanStalledPullIT {

    private static final Duration PULL_TIMEOUT = Duration.ofSeconds(3);

    @Test
    void aStalledPullFailsAfterPullTimeoutNamingTheRegistryAndFreesItsThread() throws Exception {
        try (StallingListener registry = StallingListener.start();
                PodmanContainerRuntime runtime = PodmanContainerRuntime.open(EngineSockets.podman(), PULL_TIMEOUT)) {
            String reference = "127.0.0.1:" + registry.port() + "/stall/img:1";
            long started = System.nanoTime();

            assertThatThrownBy(() -> runtime.pullImage(reference, PullProgressListener.IGNORE))
                    .isInstanceOf(ImagePullException.class)
                    .hasMessageContaining(reference)
                    .hasMessageContaining("no progress for 3 s from the registry 127.0.0.1:" + registry.port());
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            long next = System.nanoTime();
            runtime.ping();
            runtime.listContainers(LabelSelector.of("orbit.stalled-pull-it", "none"));
            Duration after = Duration.ofNanos(System.nanoTime() - next);
            System.out.printf(
                    "PodmanStalledPullIT: the pull failed after %d ms (pull_timeout %d ms), %d connection(s) to the"
                            + " stalled registry; the next calls took %d ms%n",
                    took.toMillis(), PULL_TIMEOUT.toMillis(), registry.accepted(), after.toMillis());
            assertThat(took).isGreaterThanOrEqualTo(PULL_TIMEOUT).isLessThan(PULL_TIMEOUT.plusSeconds(10));
            assertThat(after).isLessThan(Duration.ofSeconds(5));
        }
    }
}
