package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** Secrets and env files end to end on Docker. */
@Tag("container-engine")
class DockerSecretIT extends SecretContract {

    DockerSecretIT() {
        super(TestEngine.DOCKER);
    }
}
