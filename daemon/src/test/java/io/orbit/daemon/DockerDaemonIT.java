package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** The daemon's scenarios against Docker (dockerd). */
@Tag("container-engine")
class DockerDaemonIT extends DaemonContract {

    DockerDaemonIT() {
        super(TestEngine.DOCKER);
    }
}
