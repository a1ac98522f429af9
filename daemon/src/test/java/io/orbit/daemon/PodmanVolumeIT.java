package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** Volumes end to end on rootful Podman. */
@Tag("container-engine")
class PodmanVolumeIT extends VolumeContract {

    PodmanVolumeIT() {
        super(TestEngine.PODMAN);
    }
}
