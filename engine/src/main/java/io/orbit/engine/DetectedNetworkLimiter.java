package io.orbit.engine;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.lifecycle.Managed;
import io.orbit.engine.netlimit.NetworkLimit;
import io.orbit.engine.netlimit.NetworkLimitSupport;
import io.orbit.engine.netlimit.NetworkLimiter;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The host's network limiter, detected when the engine starts rather than when it is built: detection runs {@code
 * tc}, {@code ip} and {@code nsenter} (up to seconds), which a constructor or an injector must never do. Until then
 * limits are reported as not available; the first pass runs after the detection.
 */
final class DetectedNetworkLimiter implements NetworkLimiter, Managed {

    static final String NOT_DETECTED = "the engine has not started yet: the host's tc, ip and nsenter are not checked";

    private final Supplier<? extends NetworkLimiter> detection;
    private volatile @Nullable NetworkLimiter detected;

    /** @param detection checks the host and returns its limiter (e.g. {@code HostNetworkLimiter::detect}) */
    DetectedNetworkLimiter(Supplier<? extends NetworkLimiter> detection) {
        this.detection = requireNonNull(detection, "detection is null");
    }

    @Override
    public String name() {
        return "network limit detection";
    }

    @Override
    public void start() {
        if (detected == null) {
            detected = requireNonNull(detection.get(), "the network limiter detection returned null");
        }
    }

    @Override
    public void close() {
        // nothing to release: the detected limiter runs short-lived commands only
    }

    @Override
    public NetworkLimitSupport support() {
        NetworkLimiter limiter = detected;
        return limiter == null ? NetworkLimitSupport.unsupported(NOT_DETECTED, "start the engine") : limiter.support();
    }

    @Override
    public void apply(long pid, NetworkLimit limit) throws NetworkLimitException {
        NetworkLimiter limiter = detected;
        if (limiter == null) {
            throw new NetworkLimitException(NOT_DETECTED);
        }
        limiter.apply(pid, limit);
    }
}
