package io.orbit.daemon;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Singleton;
import io.orbit.daemon.api.ApiModule;
import io.orbit.daemon.metrics.MetricsModule;
import io.orbit.daemon.proxy.ProxyModule;
import io.orbit.daemon.systemd.SystemdModule;
import java.time.InstantSource;
import java.util.List;

/**
 * The daemon's options, its clock and the {@link Daemon} itself, with Guice's strict settings. {@link #modules} lists
 * every module the daemon installs: this one, one per feature (engine, proxy, API, systemd), the meters and the
 * container engine's adapter.
 */
public final class DaemonModule extends AbstractModule {

    private final DaemonOptions options;

    public DaemonModule(DaemonOptions options) {
        this.options = options;
    }

    /** The daemon's modules; the runtime is chosen by the caller, once, by choosing a module. */
    public static List<Module> modules(DaemonOptions options, Module runtime) {
        return List.of(
                new DaemonModule(options),
                new EngineModule(),
                new ProxyModule(),
                new ApiModule(),
                new SystemdModule(),
                new MetricsModule(),
                runtime);
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        binder().disableCircularProxies();
        binder().requireExactBindingAnnotations();
        binder().requireAtInjectOnConstructors();
        bind(DaemonOptions.class).toInstance(options);
        bind(InstantSource.class).toInstance(InstantSource.system());
        bind(Daemon.class).in(Singleton.class);
    }
}
