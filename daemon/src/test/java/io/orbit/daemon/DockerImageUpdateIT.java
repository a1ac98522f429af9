package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** Image updates end to end on Docker. */
@Tag("container-engine")
class DockerImageUpdateIT extends ImageUpdateContract {

    DockerImageUpdateIT() {
        super(TestEngine.DOCKER);
    }
}
