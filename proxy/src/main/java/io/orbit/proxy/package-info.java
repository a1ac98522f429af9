/** The data plane: a reverse proxy with a health-checking load balancer on each service's node port. */
@NullMarked
package io.orbit.proxy;

import org.jspecify.annotations.NullMarked;
