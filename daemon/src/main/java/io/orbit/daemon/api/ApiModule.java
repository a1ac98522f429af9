package io.orbit.daemon.api;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.orbit.daemon.DaemonOptions;
import io.orbit.daemon.HashKey;
import io.orbit.daemon.dashboard.Dashboard;
import io.orbit.daemon.dashboard.DashboardSource;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import org.slf4j.LoggerFactory;

/**
 * The API feature: the {@link ApiServer} (a part of the daemon's lifecycle) and its endpoints: {@code ReadEndpoints}, {@code ServiceCommands}, {@code EventsEndpoint}, {@code ServiceLogs}. They need the engine's
 * {@code StatusStore}, {@code DesiredState}, {@code ReconcileQueue}, {@code EventJournal}, the {@code
 * ContainerRuntime}, the {@code RuntimeMonitor} and the Prometheus registry.
 */
public final class ApiModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(ApiServer.class).in(Singleton.class);
        bind(ReadEndpoints.class).in(Singleton.class);
        bind(ServiceCommands.class).in(Singleton.class);
        bind(EventsEndpoint.class).in(Singleton.class);
        bind(ServiceLogs.class).in(Singleton.class);
        // The dashboard shows the API's own views (DashboardReads) and is served by the API's routes.
        bind(DashboardSource.class).to(DashboardReads.class).in(Singleton.class);
        bind(Dashboard.class).in(Singleton.class);
    }

    /** Who a loopback TCP client is, when {@code --api-local-users} asks; nobody otherwise. */
    @Provides
    @Singleton
    LocalTcpPeers localTcpPeers(DaemonOptions options) {
        return options.hardening().apiLocalUsers() ? LocalTcpPeers.SYSTEM : LocalTcpPeers.NOBODY;
    }

    /**
     * The key of the hashes the API shows, from {@code --state-dir}. If it cannot be read or made, a key for this run
     * only: the hashes then change at each restart, but never show the unkeyed hash.
     */
    @Provides
    @Singleton
    ExposedHashes exposedHashes(DaemonOptions options) {
        SecureRandom random = new SecureRandom();
        try {
            return new ExposedHashes(HashKey.loadOrCreate(options.hardening().stateDirectory(), random));
        } catch (UncheckedIOException e) {
            LoggerFactory.getLogger(ApiModule.class)
                    .atError()
                    .log(e.getMessage() + "; using a key for this run only: config_hash values change at each"
                            + " restart until this is fixed");
            byte[] key = new byte[32];
            random.nextBytes(key);
            return new ExposedHashes(key);
        }
    }
}
