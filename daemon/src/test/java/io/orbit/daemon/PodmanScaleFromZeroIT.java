package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** Scale from zero (the proxy holds the first requests), on rootful Podman. */
@Tag("container-engine")
class PodmanScaleFromZeroIT extends ScaleFromZeroContract {

    PodmanScaleFromZeroIT() {
        super(TestEngine.PODMAN);
    }
}
