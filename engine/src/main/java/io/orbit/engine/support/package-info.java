/**
 * Small building blocks shared by several engine packages that belong to none of them, such as the {@link
 * io.orbit.engine.support.PeriodicTask} behind the daemon's periodic loops.
 */
@NullMarked
package io.orbit.engine.support;

import org.jspecify.annotations.NullMarked;
