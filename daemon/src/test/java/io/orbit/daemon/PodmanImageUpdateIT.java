package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** Image updates end to end on rootful Podman. */
@Tag("container-engine")
class PodmanImageUpdateIT extends ImageUpdateContract {

    PodmanImageUpdateIT() {
        super(TestEngine.PODMAN);
    }
}
