/**
 * The one lifecycle of the engine and the daemon around it: {@link io.orbit.engine.lifecycle.ContainerLifeCycle}
 * starts {@link io.orbit.engine.lifecycle.Managed} parts in dependency order and stops them in reverse, keeping every
 * failure (modelled on Jetty 12's {@code ContainerLifeCycle}).
 */
@NullMarked
package io.orbit.engine.lifecycle;

import org.jspecify.annotations.NullMarked;
