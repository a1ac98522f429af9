package io.orbit.daemon.api;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;

/**
 * Binds the API's endpoints ({@link ApiServer} itself is bound with the lifecycle in the daemon's engine module):
 * {@code ReadEndpoints}, {@code ServiceCommands}, {@code EventsEndpoint}, {@code ServiceLogs}. They need the engine's
 * {@code StatusStore}, {@code DesiredState}, {@code ReconcileQueue}, {@code EventJournal}, the {@code
 * ContainerRuntime}, the {@code RuntimeMonitor} and the Prometheus registry.
 */
public final class ApiModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(ReadEndpoints.class).in(Singleton.class);
        bind(ServiceCommands.class).in(Singleton.class);
        bind(EventsEndpoint.class).in(Singleton.class);
        bind(ServiceLogs.class).in(Singleton.class);
    }
}
