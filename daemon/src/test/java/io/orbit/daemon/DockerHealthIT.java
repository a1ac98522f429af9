package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** Health checks that act, on Docker. */
@Tag("container-engine")
class DockerHealthIT extends HealthContract {

    DockerHealthIT() {
        super(TestEngine.DOCKER);
    }
}
