package io.orbit.proxy.internal;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.routing.Route;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One node port's route as the data path reads it, immutable and replaced whole on every publish: the backends'
 * states (which outlive versions), the balancer, CoDel, the retry budget, passive ejection and the metrics.
 */
public final class RouteState {

    private final Route route;
    private final BackendState[] backends;
    private final List<OutlierDetector.Record> outlierRecords;
    private final Balancer balancer;
    private final @Nullable LatencyShedder shedder;
    private final RetryBudget retryBudget;
    private final OutlierDetector outliers;
    private final RouteMetrics metrics;
    private final @Nullable Activator activator;

    public RouteState(
            Route route,
            List<BackendState> backends,
            Balancer balancer,
            @Nullable LatencyShedder shedder,
            RetryBudget retryBudget,
            OutlierDetector outliers,
            RouteMetrics metrics) {
        this(route, backends, balancer, shedder, retryBudget, outliers, metrics, null);
    }

    /** @param activator holds requests while no backend is ready, when the route has an activation (scale from zero) */
    public RouteState(
            Route route,
            List<BackendState> backends,
            Balancer balancer,
            @Nullable LatencyShedder shedder,
            RetryBudget retryBudget,
            OutlierDetector outliers,
            RouteMetrics metrics,
            @Nullable Activator activator) {
        this.route = requireNonNull(route, "route is null");
        this.backends = backends.toArray(BackendState[]::new);
        List<OutlierDetector.Record> records = new ArrayList<>(backends.size());
        backends.forEach(backend -> records.add(backend.outlier()));
        this.outlierRecords = List.copyOf(records);
        this.balancer = requireNonNull(balancer, "balancer is null");
        this.shedder = shedder;
        this.retryBudget = requireNonNull(retryBudget, "retryBudget is null");
        this.outliers = requireNonNull(outliers, "outliers is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.activator = activator;
    }

    /** Present on a route of a service that scales from zero; carried over to the next version of the same route. */
    public @Nullable Activator activator() {
        return activator;
    }

    /** True when a backend is ready now: a request held meanwhile must not wait for the next wake. */
    boolean hasReadyBackend(long nowNanos) {
        for (BackendState backend : backends) {
            if (backend.isReady(nowNanos)) {
                return true;
            }
        }
        return false;
    }

    public Route route() {
        return route;
    }

    BackendState[] backendArray() {
        return backends;
    }

    public List<BackendState> backends() {
        return List.of(backends);
    }

    Balancer balancer() {
        return balancer;
    }

    public @Nullable LatencyShedder shedder() {
        return shedder;
    }

    RetryBudget retryBudget() {
        return retryBudget;
    }

    RouteMetrics metrics() {
        return metrics;
    }

    /** For the server: carried over to the next version of the same route. */
    public RouteMetrics metricsFor() {
        return metrics;
    }

    public Balancer balancerFor() {
        return balancer;
    }

    public RetryBudget retryBudgetFor() {
        return retryBudget;
    }

    public OutlierDetector outliersFor() {
        return outliers;
    }

    /** Passive error (connect failure, I/O failure or 5xx) on {@code backend}; true when it got ejected. */
    boolean onBackendError(BackendState backend) {
        boolean ejected = outliers.onError(backend.outlier(), outlierRecords);
        if (ejected) {
            metrics.ejected();
        }
        return ejected;
    }

    void onBackendSuccess(BackendState backend) {
        outliers.onSuccess(backend.outlier());
    }
}
