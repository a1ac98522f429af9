package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** network_limit end to end on rootful Docker: measured rates. */
@Tag("container-engine")
class DockerNetworkLimitIT extends NetworkLimitContract {

    DockerNetworkLimitIT() {
        super(TestEngine.DOCKER);
    }
}
