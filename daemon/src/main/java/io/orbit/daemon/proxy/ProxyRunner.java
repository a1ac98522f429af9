package io.orbit.daemon.proxy;

import io.orbit.engine.lifecycle.Managed;
import io.orbit.proxy.ProxyServer;
import jakarta.inject.Inject;

/**
 * Runs the {@link ProxyServer} that listens on every service's {@code node_port}: an upstream part of the engine's
 * lifecycle. It starts before the engine's parts, so the routes of the first passes find a server, and stops after
 * them, so pods removed on the way out (--on-exit stop) are drained first.
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
