package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** Scale from zero (the proxy holds the first requests), on Docker. */
@Tag("container-engine")
class DockerScaleFromZeroIT extends ScaleFromZeroContract {

    DockerScaleFromZeroIT() {
        super(TestEngine.DOCKER);
    }
}
