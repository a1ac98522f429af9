package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** Secrets and env files end to end on rootless Podman. */
@Tag("container-engine")
class RootlessPodmanSecretIT extends SecretContract {

    RootlessPodmanSecretIT() {
        super(TestEngine.ROOTLESS_PODMAN);
    }
}
