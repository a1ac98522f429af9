package io.orbit.engine.reconcile;

/**
 * Takes a pod out of traffic before its containers are removed: no new requests, in-flight ones finish (bounded).
 * Called on every removal path (scale-down, replacement, broken pod, deleted service).
 */
@FunctionalInterface
public interface PodDrainer {

    PodDrainer NONE = (service, podId) -> {};

    void drain(String service, String podId);
}
