/** See {@link io.orbit.interop}. */
@NullMarked
package io.orbit.interop.compose;

import org.jspecify.annotations.NullMarked;
