/**
 * The orchestration engine: service specs, the level-triggered reconciler and the state it publishes. It talks to
 * containers only through {@link io.orbit.runtime.ContainerRuntime}.
 */
@NullMarked
package io.orbit.engine;

import org.jspecify.annotations.NullMarked;
