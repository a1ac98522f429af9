package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Map;

/**
 * An engine secret object to create (Podman's {@code podman secret create}). The data never appears in {@link
 * #toString()}, so a spec that reaches a log line or an exception message does not carry the value with it.
 *
 * @param name the object's name, unique on the engine
 * @param data the secret's bytes (copied in and out)
 * @param labels the ownership labels, where the engine keeps them
 */
public record SecretSpec(String name, byte[] data, Map<String, String> labels) {

    /** libpod refuses more than 512000 bytes for a secret. */
    public static final int MAX_BYTES = 512_000;

    public SecretSpec {
        requireNonNull(name, "name is null");
        requireNonNull(data, "data is null");
        data = data.clone();
        labels = Map.copyOf(labels);
        if (name.isBlank()) {
            throw new IllegalArgumentException("secret name is blank");
        }
        if (data.length > MAX_BYTES) {
            throw new IllegalArgumentException(
                    "secret " + name + " holds " + data.length + " bytes, over the engine limit of " + MAX_BYTES);
        }
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SecretSpec that
                && name.equals(that.name)
                && Arrays.equals(data, that.data)
                && labels.equals(that.labels);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SecretSpec[name=" + name + ", data=(" + data.length + " bytes, not shown), labels=" + labels + "]";
    }
}
