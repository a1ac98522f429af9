package io.orbit.engine.naming;

import io.orbit.runtime.LabelSelector;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which daemon owns what: everything a daemon creates carries {@code orbit.managed=true} and {@code
 * orbit.instance=<instance>}, and a daemon only ever observes, adopts or removes its own instance's objects — two
 * daemons (a demo and a test run, two teams) can share one engine without removing each other's pods.
 *
 * @param instance the daemon's instance name ({@code --instance}, "default" unless set)
 */
public record Ownership(String instance) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public static final Ownership DEFAULT = new Ownership("default");

    public Ownership {
        if (!NAME.matcher(instance).matches()) {
            throw new IllegalArgumentException(
                    "instance name must be a DNS label (lowercase letters, digits, '-'), got '" + instance + "'");
        }
    }

    /** Everything this instance owns. */
    public LabelSelector all() {
        return LabelSelector.of(OrbitLabels.MANAGED, "true", OrbitLabels.INSTANCE, instance);
    }

    /** This instance's containers of one service. */
    public LabelSelector service(String service) {
        return new LabelSelector(
                Map.of(OrbitLabels.MANAGED, "true", OrbitLabels.INSTANCE, instance, OrbitLabels.SERVICE, service));
    }

    /** The labels of a per-pod network. */
    public Map<String, String> podNetworkLabels(String service, String podId) {
        return Map.of(
                OrbitLabels.MANAGED, "true",
                OrbitLabels.INSTANCE, instance,
                OrbitLabels.SERVICE, service,
                OrbitLabels.POD, podId);
    }
}
