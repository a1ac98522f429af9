package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/** network_limit on rootless Podman: the daemon refuses to start the pod unlimited and says why; others run. */
@Tag("container-engine")
class RootlessPodmanNetworkLimitIT extends NetworkLimitContract {

    RootlessPodmanNetworkLimitIT() {
        super(TestEngine.ROOTLESS_PODMAN);
    }
}
