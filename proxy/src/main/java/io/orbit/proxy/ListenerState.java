package io.orbit.proxy;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One node port's listener as the proxy sees it: bound and serving, or failed with the reason and the fix (ORBIT-
 * REFERENCE §10.1: Orbit's bind failures were silent).
 */
public record ListenerState(int nodePort, String service, Status status, Optional<String> problem) {

    public enum Status {
        LISTENING,
        FAILED
    }

    public ListenerState {
        requireNonNull(service, "service is null");
        requireNonNull(status, "status is null");
        requireNonNull(problem, "problem is null");
    }
}
