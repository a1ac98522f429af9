package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** network_limit end to end on rootful Podman: measured rates. */
@Tag("container-engine")
class PodmanNetworkLimitIT extends NetworkLimitContract {

    PodmanNetworkLimitIT() {
        super(TestEngine.PODMAN);
    }
}
