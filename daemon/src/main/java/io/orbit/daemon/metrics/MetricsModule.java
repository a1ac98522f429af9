package io.orbit.daemon.metrics;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orbit.engine.autoscale.AutoscaleMetrics;
import io.orbit.engine.health.HealthMetrics;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.reconcile.JournalingMetrics;
import io.orbit.engine.reconcile.ReconcileMetrics;
import io.orbit.engine.reload.ConfigReloader;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.state.StatusStore;
import java.util.Optional;

/**
 * Provides the Prometheus registry (the only one; Orbit's metric names, plus JVM and process metrics) and {@link
 * EngineMetrics}, which backs the engine's reporting interfaces.
 */
public final class MetricsModule extends AbstractModule {

    @Provides
    @Singleton
    PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return registry;
    }

    /** Binds the GC metrics too; they own a listener that is closed with the registry. */
    @Provides
    @Singleton
    EngineMetrics engineMetrics(PrometheusMeterRegistry registry, StatusStore status) {
        new JvmGcMetrics().bindTo(registry);
        return new EngineMetrics(registry, status);
    }

    @Provides
    @Singleton
    AutoscaleMetrics autoscaleMetrics(PrometheusMeterRegistry registry) {
        return new AutoscaleMeters(registry);
    }

    @Provides
    @Singleton
    HealthMetrics healthMetrics(PrometheusMeterRegistry registry) {
        return new HealthMeters(registry);
    }

    /** Passes report to the journal first, then to the meters. */
    @Provides
    @Singleton
    ReconcileMetrics reconcileMetrics(EngineMetrics metrics, EventJournal journal) {
        return new JournalingMetrics(journal, metrics);
    }

    /** Every reload is counted, and every error in it journaled (its file and field say what to fix). */
    @Provides
    @Singleton
    ConfigReloader.Listener reloadListener(EngineMetrics metrics, EventJournal journal) {
        return (succeeded, problems) -> {
            metrics.reloaded(succeeded, problems);
            problems.stream()
                    .filter(SpecProblem::isError)
                    .forEach(problem ->
                            journal.record("config-error", Optional.empty(), Optional.empty(), problem.toString()));
            journal.record(
                    "config-loaded",
                    Optional.empty(),
                    Optional.empty(),
                    succeeded ? "configuration loaded" : "the config directory could not be read; nothing changed");
        };
    }
}
