package io.orbit.daemon.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.engine.volume.VolumeUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The volume meters Orbit declared and never registered (ORBIT-REFERENCE §11.2), refreshed after every status
 * change; sizes are measured at most every 30 s ({@link PodVolumes#usage}). Tags are bounded by the config: service,
 * volume (its key under {@code volumes:}) and kind ({@code files}, {@code host_path}, {@code named_volume}).
 *
 * <pre>
 *   orbit_volumes                                    gauge  volumes of all services (Orbit: orbit_volumes_total)
 *   orbit_volume_usage_bytes{service,volume,kind}    gauge  bytes of the files in it, when readable
 *   orbit_volume_containers{service,volume,kind}     gauge  running containers that mount it
 * </pre>
 */
public final class VolumeMetrics {

    private final StatusStore status;
    private final PodVolumes volumes;
    private final AtomicInteger count = new AtomicInteger();
    private final MultiGauge usage;
    private final MultiGauge containers;

    public VolumeMetrics(MeterRegistry registry, StatusStore status, PodVolumes volumes) {
        this.status = status;
        this.volumes = volumes;
        Gauge.builder("orbit.volumes", count, AtomicInteger::get)
                .description("Volumes of all services")
                .register(registry);
        this.usage = MultiGauge.builder("orbit.volume.usage")
                .description("Bytes of the regular files in a volume")
                .baseUnit("bytes")
                .register(registry);
        this.containers = MultiGauge.builder("orbit.volume.containers")
                .description("Running containers that mount a volume")
                .register(registry);
    }

    /** Re-reads every service's volumes; a deleted service's rows disappear. */
    public synchronized void refresh() {
        List<MultiGauge.Row<?>> usageRows = new ArrayList<>();
        List<MultiGauge.Row<?>> containerRows = new ArrayList<>();
        for (ServiceStatus service : status.services().values()) {
            for (VolumeUsage volume : volumes.usage(service)) {
                Tags tags = Tags.of(
                        "service",
                        service.name(),
                        "volume",
                        volume.name(),
                        "kind",
                        volume.kind().fieldName());
                volume.usageBytes().ifPresent(bytes -> usageRows.add(MultiGauge.Row.of(tags, bytes)));
                containerRows.add(MultiGauge.Row.of(tags, volume.containers()));
            }
        }
        count.set(containerRows.size());
        usage.register(usageRows, true);
        containers.register(containerRows, true);
    }
}
