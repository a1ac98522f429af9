package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** Health checks that act, on rootful Podman (which runs no checks itself without systemd). */
@Tag("container-engine")
class PodmanHealthIT extends HealthContract {

    PodmanHealthIT() {
        super(TestEngine.PODMAN);
    }
}
