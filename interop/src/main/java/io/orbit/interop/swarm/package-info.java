/** See {@link io.orbit.interop}. */
@NullMarked
package io.orbit.interop.swarm;

import org.jspecify.annotations.NullMarked;
