package io.orbit.engine.state;

import static java.util.Objects.requireNonNull;

/** A host and port the daemon connects to: a container IP and port, or a port published on the host. */
public record Endpoint(String host, int port) {

    public Endpoint {
        requireNonNull(host, "host is null");
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
