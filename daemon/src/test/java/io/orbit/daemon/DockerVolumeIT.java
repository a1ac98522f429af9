package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** Volumes end to end on Docker (dockerd). */
@Tag("container-engine")
class DockerVolumeIT extends VolumeContract {

    DockerVolumeIT() {
        super(TestEngine.DOCKER);
    }
}
