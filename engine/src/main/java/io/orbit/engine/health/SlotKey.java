package io.orbit.engine.health;

import static java.util.Objects.requireNonNull;

/**
 * A pod slot of a service running one spec. Restarts are counted per slot, not per pod id, so a pod replaced in its
 * slot keeps its history; a new spec (a new hash) starts with none.
 */
public record SlotKey(String service, int podNumber, String configHash) {

    public SlotKey {
        requireNonNull(service, "service is null");
        requireNonNull(configHash, "configHash is null");
    }
}
