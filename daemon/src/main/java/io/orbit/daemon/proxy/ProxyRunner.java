package io.orbit.daemon.proxy;

import io.orbit.daemon.lifecycle.Managed;
import io.orbit.proxy.ProxyServer;
import jakarta.inject.Inject;

/**
 * Runs the {@link ProxyServer} that listens on every service's {@code node_port}. It starts before the engine, so the
 * routes of the first passes find a server, and stops after it, so pods removed on the way out (--on-exit stop) are
 * drained first.
 */
public final class ProxyRunner implements Managed {

    private final ProxyServer proxy;

    @Inject
    ProxyRunner(ProxyServer proxy) {
        this.proxy = proxy;
    }

    @Override
    public String name() {
        return "proxy";
    }

    @Override
    public void start() throws Exception {
        proxy.start();
    }

    @Override
    public void close() {
        proxy.close();
    }
}
