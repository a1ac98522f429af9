package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

/** The engine cannot do this on this host, e.g. stats for rootless Podman on cgroup v1. */
public final class CapabilityUnavailableException extends ContainerRuntimeException {

    private static final long serialVersionUID = 1L;

    private final EngineInfo.Capability capability;

    public CapabilityUnavailableException(EngineInfo.Capability capability, String reason) {
        super("%s unavailable: %s".formatted(capability, reason), null);
        this.capability = requireNonNull(capability, "capability is null");
    }

    public EngineInfo.Capability capability() {
        return capability;
    }
}
