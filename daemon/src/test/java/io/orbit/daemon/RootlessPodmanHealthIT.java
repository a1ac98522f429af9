package io.orbit.daemon;

import org.junit.jupiter.api.Tag;

/**
 * Health checks that act, on rootless Podman: no container IPs from the host (the probed ports are published on
 * 127.0.0.1) and no memory limits on cgroup v1.
 */
@Tag("container-engine")
class RootlessPodmanHealthIT extends HealthContract {

    RootlessPodmanHealthIT() {
        super(TestEngine.ROOTLESS_PODMAN);
    }
}
