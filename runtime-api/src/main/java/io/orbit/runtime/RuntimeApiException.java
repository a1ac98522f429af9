package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

/** The engine answered with an error that has no more specific type; status and body are kept for the operator. */
public final class RuntimeApiException extends ContainerRuntimeException {

    private static final long serialVersionUID = 1L;

    private final String operation;
    private final int status;
    private final String body;

    public RuntimeApiException(String operation, int status, String body) {
        super("%s failed: engine answered %d %s".formatted(operation, status, body.strip()), null);
        this.operation = requireNonNull(operation, "operation is null");
        this.status = status;
        this.body = requireNonNull(body, "body is null");
    }

    public String operation() {
        return operation;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
