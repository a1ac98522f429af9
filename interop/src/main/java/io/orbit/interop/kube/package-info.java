/** See {@link io.orbit.interop}. */
@NullMarked
package io.orbit.interop.kube;

import org.jspecify.annotations.NullMarked;
