package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** Rolling updates and rollback on Docker. */
@Tag("container-engine")
class DockerRolloutIT extends RolloutContract {

    DockerRolloutIT() {
        super(TestEngine.DOCKER);
    }
}
