package io.orbit.runtime.http;

import java.io.IOException;
import java.io.InputStream;

/** A response whose body is still streaming; closing it aborts the exchange and discards the connection. */
public final class EngineStream implements AutoCloseable {

    /** How to abort the exchange. */
    @FunctionalInterface
    interface Abort {
        void abort() throws IOException;
    }

    private final int status;
    private final InputStream body;
    private final Abort abort;

    EngineStream(int status, InputStream body, Abort abort) {
        this.status = status;
        this.body = body;
        this.abort = abort;
    }

    public int status() {
        return status;
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    public InputStream body() {
        return body;
    }

    /** Reads the rest of the body, for error responses. */
    public String readRemaining() {
        try {
            return new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            abort.abort();
        } catch (IOException ignored) {
            // the connection is being discarded; nothing to recover
        }
    }
}
