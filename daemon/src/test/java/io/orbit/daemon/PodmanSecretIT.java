package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** Secrets and env files end to end on Podman. */
@Tag("container-engine")
class PodmanSecretIT extends SecretContract {

    PodmanSecretIT() {
        super(TestEngine.PODMAN);
    }
}
