/**
 * The proxy's read model: which backends serve each node port, published by the engine as immutable {@link
 * io.orbit.engine.routing.RouteTable} snapshots, and the one call the engine makes into the proxy: drain a backend
 * before its container is stopped. The proxy module depends on this package only.
 */
@NullMarked
package io.orbit.engine.routing;

import org.jspecify.annotations.NullMarked;
