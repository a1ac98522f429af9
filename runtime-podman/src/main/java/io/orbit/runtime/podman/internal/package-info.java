/**
 * The libpod wire: request paths and bodies, the one mapping of Podman's status codes and error causes to the port's
 * exceptions, and the mapping of libpod's JSON to the port's records. Not an API: only the adapter uses it.
 */
@NullMarked
package io.orbit.runtime.podman.internal;

import org.jspecify.annotations.NullMarked;
