package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/** The engine cannot be reached: no socket, permission denied, connection refused or timed out. */
public final class RuntimeUnavailableException extends ContainerRuntimeException {

    private static final long serialVersionUID = 1L;

    private final String endpoint;

    /**
     * @param endpoint the socket path or URI that was tried
     * @param reason what happened, e.g. "no such file"
     * @param remedy how to start the engine or point at another socket
     */
    public RuntimeUnavailableException(String endpoint, String reason, String remedy, @Nullable Throwable cause) {
        super("cannot reach the container engine at %s: %s; %s".formatted(endpoint, reason, remedy), cause);
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
    }

    public String endpoint() {
        return endpoint;
    }
}
