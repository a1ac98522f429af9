/** Ordered start and reverse-ordered stop of the daemon's components. */
@NullMarked
package io.orbit.daemon.lifecycle;

import org.jspecify.annotations.NullMarked;
