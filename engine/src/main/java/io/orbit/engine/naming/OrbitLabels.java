package io.orbit.engine.naming;

import io.orbit.runtime.LabelSelector;

/** The labels on every container and network the daemon creates. */
public final class OrbitLabels {

    /** {@code true} on everything the daemon owns. */
    public static final String MANAGED = "orbit.managed";
    /** The daemon instance that owns it ({@link Ownership}). */
    public static final String INSTANCE = "orbit.instance";
    /** The service name. */
    public static final String SERVICE = "orbit.service";
    /** The pod's UUID. */
    public static final String POD = "orbit.pod";
    /** The pod's slot number (the {@code pod} part of the name). */
    public static final String POD_NUMBER = "orbit.pod-number";
    /** The container's name in the service file (not the runtime name). */
    public static final String CONTAINER = "orbit.container";
    /** Hash of the pod's effective spec: a pod whose hash differs from the current one is outdated. */
    public static final String CONFIG_HASH = "orbit.config-hash";
    /** Number of containers in the pod, so an incomplete pod is recognisable from any one of them. */
    public static final String POD_SIZE = "orbit.pod-size";

    /** Everything any Orbit daemon manages (for tools and tests; the daemon itself uses {@link Ownership}). */
    public static final LabelSelector ALL_MANAGED = LabelSelector.of(MANAGED, "true");

    private OrbitLabels() {}

    /** A service's containers, whichever instance owns them (for tools and tests). */
    public static LabelSelector service(String service) {
        return LabelSelector.of(MANAGED, "true", SERVICE, service);
    }
}
