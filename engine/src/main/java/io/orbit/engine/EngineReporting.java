package io.orbit.engine;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.autoscale.AutoscaleMetrics;
import io.orbit.engine.health.HealthMetrics;
import io.orbit.engine.reconcile.ReconcileMetrics;
import io.orbit.engine.reload.ConfigReloader;
import io.orbit.engine.volume.PodVolumes;
import java.util.function.Function;

/**
 * Where the {@link Engine} reports.
 *
 * @param volumeMeters given the engine's volumes, returns what refreshes the volume meters; it runs after every
 *     status change, once the volumes were swept
 */
public record EngineReporting(
        ReconcileMetrics reconcile,
        HealthMetrics health,
        AutoscaleMetrics autoscale,
        ConfigReloader.Listener reloads,
        Function<PodVolumes, Runnable> volumeMeters) {
    public EngineReporting {
        requireNonNull(reconcile, "reconcile is null");
        requireNonNull(health, "health is null");
        requireNonNull(autoscale, "autoscale is null");
        requireNonNull(reloads, "reloads is null");
        requireNonNull(volumeMeters, "volumeMeters is null");
    }
}
