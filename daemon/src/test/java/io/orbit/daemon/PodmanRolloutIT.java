package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** Rolling updates and rollback on Podman. */
@Tag("container-engine")
class PodmanRolloutIT extends RolloutContract {

    PodmanRolloutIT() {
        super(TestEngine.PODMAN);
    }
}
