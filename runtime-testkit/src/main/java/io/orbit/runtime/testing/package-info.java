/**
 * An in-memory {@link io.orbit.runtime.ContainerRuntime} for the engine's unit tests. It lives in the main sources of
 * the test-only {@code runtime-testkit} module, which every other module depends on with scope test only, so no
 * shipped artifact contains it. It passes the same contract suite as the real adapters, so tests built on it stay
 * honest.
 */
@NullMarked
package io.orbit.runtime.testing;

import org.jspecify.annotations.NullMarked;
