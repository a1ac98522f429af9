package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/**
 * The daemon's scenarios against rootless Podman of the test user: single-container pods get no IP there (slirp4netns),
 * which {@code /status} must show as it is. The daemon runs as the test JVM's user and talks to the user's socket.
 */
@Tag("container-engine")
class RootlessPodmanDaemonIT extends DaemonContract {

    RootlessPodmanDaemonIT() {
        super(TestEngine.ROOTLESS_PODMAN);
    }
}
