package io.orbit.daemon.proxy;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orbit.daemon.DaemonOptions;
import io.orbit.engine.routing.TrafficControl;
import io.orbit.proxy.ProxyOptions;
import io.orbit.proxy.ProxyServer;

/** The proxy feature: the {@link ProxyServer}, the engine's {@link TrafficControl}, and its lifecycle part. */
public final class ProxyModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(ProxyRunner.class).in(Singleton.class);
    }

    /**
     * The proxy listens on every node port at --proxy-address (all interfaces by default, as Orbit), at most
     * --proxy-max-connections-per-client connections per client address and node port. Its request durations go
     * to /metrics through {@link RequestDurationsCollector}.
     */
    @Provides
    @Singleton
    ProxyServer proxy(DaemonOptions options, PrometheusMeterRegistry registry) {
        ProxyServer proxy = new ProxyServer(
                ProxyOptions.defaults()
                        .withBindHost(options.proxyAddress())
                        .withMaxConnectionsPerClient(options.proxyMaxConnectionsPerClient()),
                registry);
        registry.getPrometheusRegistry().register(new RequestDurationsCollector(proxy::requestDurations));
        return proxy;
    }

    @Provides
    TrafficControl trafficControl(ProxyServer proxy) {
        return proxy;
    }
}
