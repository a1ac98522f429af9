package io.orbit.engine.spec;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A secret's bytes (a {@code secrets:} value or one {@code env_file} entry) and a keyed digest of them. Only the digest
 * is ever shown or hashed: {@link #toString()} says nothing about the value, so a definition that reaches a log line,
 * an exception or an API answer carries no secret with it. Equality is the digest's (equal digests, equal values).
 *
 * @param digest HMAC-SHA256 of the value under the host's hash key, hex, shortened: tells versions apart without
 *     letting anyone who lacks the key test guesses against it
 */
public final class SecretValue {

    private final byte[] bytes;
    private final String digest;

    public SecretValue(byte[] bytes, String digest) {
        this.bytes = requireNonNull(bytes, "bytes is null").clone();
        this.digest = requireNonNull(digest, "digest is null");
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** The value as text (for the environment); bytes that are not UTF-8 become U+FFFD. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public String digest() {
        return digest;
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SecretValue that && digest.equals(that.digest) && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @Override
    public String toString() {
        return "(secret, " + bytes.length + " bytes, not shown)";
    }
}
