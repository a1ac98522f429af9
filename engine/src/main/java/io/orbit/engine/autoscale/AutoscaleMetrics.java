package io.orbit.engine.autoscale;

/**
 * What the autoscale loop reports; the daemon backs it with Micrometer ({@code orbit_autoscaler_desired_replicas},
 * {@code orbit_autoscaler_decisions_total}, {@code orbit_autoscaler_inflight}).
 */
public interface AutoscaleMetrics {

    AutoscaleMetrics NONE = new AutoscaleMetrics() {
        @Override
        public void decided(ScalingDecision decision) {}

        @Override
        public void observed(String service, int desiredReplicas, int inFlight) {}

        @Override
        public void forget(String service) {}
    };

    /** One decision of one tick (direction {@code none} included). */
    void decided(ScalingDecision decision);

    /** The replica count in force and the requests the proxy had in flight at this tick. */
    void observed(String service, int desiredReplicas, int inFlight);

    /** The service no longer autoscales: its gauges go. */
    void forget(String service);
}
