package io.orbit.engine.routing;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What the engine asks of the proxy. Implemented by the proxy, bound by the daemon; {@link #NONE} when no proxy runs.
 */
public interface TrafficControl {

    TrafficControl NONE = new TrafficControl() {
        @Override
        public void publish(RouteTable table) {}

        @Override
        public void drain(Set<String> backendIds, Duration timeout) {}
    };

    /** Replaces the routes; listeners, backends and health state follow. */
    void publish(RouteTable table);

    /**
     * Stops sending new requests to these backends and waits until their in-flight requests finished, at most
     * {@code timeout}. Called before a pod's containers are stopped, on every removal path.
     */
    void drain(Set<String> backendIds, Duration timeout);

    /**
     * The traffic numbers of every routed service, by service name: a copy of the proxy's counters, for the
     * autoscaler (read every 2 s, never on the request path). Empty without a proxy.
     */
    default Map<String, ServiceTraffic> traffic() {
        return Map.of();
    }

    /**
     * Who hears that a scaled-to-zero service got its first held request (see {@link Route#activation()}); replaces
     * the previous listener, {@link ActivationListener#NONE} to stop. Ignored without a proxy.
     */
    default void activations(ActivationListener listener) {}
}
