package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** The daemon's scenarios against rootful Podman. */
@Tag("container-engine")
class PodmanDaemonIT extends DaemonContract {

    PodmanDaemonIT() {
        super(TestEngine.PODMAN);
    }
}
