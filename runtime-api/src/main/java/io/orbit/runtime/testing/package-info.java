/**
 * An in-memory {@link io.orbit.runtime.ContainerRuntime} for the engine's unit tests (Airlift's {@code testing}
 * idiom: shipped in main sources so every consumer can use it). It passes the same contract suite as the real
 * adapters, so tests built on it stay honest.
 */
@NullMarked
package io.orbit.runtime.testing;

import org.jspecify.annotations.NullMarked;
