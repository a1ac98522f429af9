package io.orbit.runtime;

/** Receives the progress lines of an image pull, in order, on the pulling thread. */
@FunctionalInterface
public interface PullProgressListener {

    PullProgressListener IGNORE = line -> {};

    void onProgress(String line);
}
