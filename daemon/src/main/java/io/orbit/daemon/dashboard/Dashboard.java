package io.orbit.daemon.dashboard;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orbit.engine.autoscale.AutoscaleLoop;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.support.PeriodicTask;
import io.orbit.proxy.ProxyServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dashboard's parts the API serves: its files, its stream, its charts' ring and the sampler that fills it every
 * {@link #SAMPLE_INTERVAL} on the {@code orbit-dashboard-series} thread. Started and stopped with the API server.
 */
public final class Dashboard implements AutoCloseable {

    /** One chart point per service this often: 180 points make the 15 minutes. */
    public static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(5);

    private final DashboardAssets assets;
    private final SeriesRing ring;
    private final SeriesSampler sampler;
    private final DashboardStream stream;
    private final AtomicLong samples = new AtomicLong();
    private final PeriodicTask sampling;

    @Inject
    public Dashboard(
            DashboardSource source,
            PrometheusMeterRegistry registry,
            ProxyServer proxy,
            StatusStore status,
            AutoscaleLoop autoscaler,
            EventJournal journal,
            InstantSource clock) {
        this.assets = DashboardAssets.load();
        this.ring = new SeriesRing(SeriesRing.capacityFor(SAMPLE_INTERVAL));
        this.sampler = new SeriesSampler(
                registry,
                proxy::requestDurations,
                status,
                () -> autoscaler.sampler().latest(),
                journal,
                clock,
                ring);
        this.stream = new DashboardStream(source, ring, samples::get, status);
        this.sampling = new PeriodicTask("orbit-dashboard-series", SAMPLE_INTERVAL, () -> {
            sampler.tick();
            samples.incrementAndGet();
            stream.wake();
        });
    }

    public void start() {
        stream.start();
        sampling.start();
    }

    public DashboardAssets assets() {
        return assets;
    }

    public DashboardStream stream() {
        return stream;
    }

    /** {@code GET /ui/series/{service}}: the service's charts ({@link SeriesRing#view}). */
    public Map<String, Object> series(String service) {
        return ring.view(service);
    }

    @Override
    public void close() throws InterruptedException {
        sampling.close();
        stream.close();
    }
}
