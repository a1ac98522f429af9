package io.orbit.runtime.testing;

import static java.util.Objects.requireNonNull;

/**
 * An image the in-memory runtime has locally.
 *
 * @param httpBody what a container of this image serves over HTTP on its ports when run with its default command
 */
public record FakeImage(String reference, String id, String httpBody) {

    public FakeImage {
        requireNonNull(reference, "reference is null");
        requireNonNull(id, "id is null");
        requireNonNull(httpBody, "httpBody is null");
    }

    /** The same reference as the project's fixture image, serving what its httpd serves. */
    public static FakeImage fixture() {
        return new FakeImage(
                "localhost/orbit-fixture:latest",
                "f1c7a2e0b9d84c3f8a5e6b7c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e",
                "orbit fixture ok\n");
    }
}
