package io.orbit.daemon.systemd;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;

/** The systemd feature: the notifier ({@code READY}, {@code STATUS}, {@code WATCHDOG}); silent without systemd. */
public final class SystemdModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(SystemdNotifier.class).in(Singleton.class);
    }
}
