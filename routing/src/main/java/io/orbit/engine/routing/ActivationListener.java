package io.orbit.engine.routing;

/**
 * The proxy's nudge to the autoscaler: a service scaled to zero just got its first held request (the first of an
 * activation: it is not called again while requests of that service are held), so a pod should start now rather than
 * at the autoscaler's next tick. Called on a proxy thread: an implementation hands the work off and returns at once.
 */
@FunctionalInterface
public interface ActivationListener {

    ActivationListener NONE = service -> {};

    void activationRequested(String service);
}
